//! No input makes the REPORT parser panic: valid records cut, spliced and scrambled at every
//! position, and random bytes.

use mfn_tui::analysis::report::parse;

const SEEDS: [&str; 4] = [
    "REPORT RequestId: 3f1c\tDuration: 395.99 ms\tBilled Duration: 662 ms\tMemory Size: 512 MB\tMax Memory Used: 301 MB\tInit Duration: 265.72 ms",
    "REPORT RequestId: r\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 1024 MB\tMax Memory Used: 200 MB\tRestore Duration: 300.50 ms\tBilled Restore Duration: 120 ms\tStatus: error\tError Type: Runtime.ExitError",
    r#"{"type":"platform.report","record":{"requestId":"j1","metrics":{"durationMs":20.5,"billedDurationMs":21,"memorySizeMB":256,"maxMemoryUsedMB":80,"initDurationMs":150.25},"status":"success"}}"#,
    "REPORT RequestId: x Duration: -1e309 ms Billed Duration: NaN ms Memory Size: 99999999999 MB Max Memory Used: -5 MB",
];

fn next(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

#[test]
fn no_input_makes_the_parser_panic() {
    let mut x = 0x9E3779B97F4A7C15u64;
    for seed in SEEDS {
        let chars: Vec<char> = seed.chars().collect();
        for cut in 0..=chars.len() {
            let head: String = chars[..cut].iter().collect();
            let tail: String = chars[cut..].iter().collect();
            let _ = parse(&head);
            let _ = parse(&format!("REPORT {tail}"));
            let _ = parse(&format!("{head}{head}"));
        }
        for _ in 0..20_000 {
            let mut s = chars.clone();
            for _ in 0..(next(&mut x) % 6 + 1) {
                let i = (next(&mut x) as usize) % s.len().max(1);
                let c = char::from_u32((next(&mut x) % 0x3000) as u32).unwrap_or('\t');
                match next(&mut x) % 3 {
                    0 if !s.is_empty() => {
                        s.remove(i);
                    }
                    1 => s.insert(i.min(s.len()), c),
                    _ if !s.is_empty() => s[i] = c,
                    _ => {}
                }
            }
            let _ = parse(&s.iter().collect::<String>());
        }
    }
    for _ in 0..20_000 {
        let len = (next(&mut x) % 200) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| next(&mut x) as u8).collect();
        let _ = parse(&format!("REPORT {}", String::from_utf8_lossy(&bytes)));
        let _ = parse(&format!(
            "{{\"type\":\"platform.report\",{}",
            String::from_utf8_lossy(&bytes)
        ));
    }
}
