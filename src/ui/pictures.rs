//! Small pictures drawn with block characters: sparklines, bars, histograms.

const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One character per value, its height relative to the largest (nothing is a space).
pub fn sparkline(values: &[f64]) -> String {
    let max = values.iter().copied().fold(0.0, f64::max);
    values
        .iter()
        .map(|&v| {
            if v <= 0.0 || max <= 0.0 {
                ' '
            } else {
                LEVELS[(((v / max) * 7.0).round() as usize).min(7)]
            }
        })
        .collect()
}

/// A bar `width` cells long when `fraction` is 1, with eighth-cell precision.
pub fn bar(fraction: f64, width: usize) -> String {
    let eighths = (fraction.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    const PARTIAL: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    s.push_str(PARTIAL[eighths % 8]);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_scales_to_its_largest_value_and_leaves_zero_blank() {
        assert_eq!(sparkline(&[0.0, 1.0, 2.0, 4.0, 8.0]), " ▂▃▅█");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn bars_have_eighth_cell_precision() {
        assert_eq!(bar(1.0, 4), "████");
        assert_eq!(bar(0.5, 3), "█▌");
        assert_eq!(bar(0.0, 10), "");
    }
}
