//! A reader's bytes as chunks of whole lines, each filled into a buffer the caller hands in (and
//! may hand in again): memory stays the size of the buffers whatever the size of the input.

use std::io::Read;

/// The bytes a chunk holds, about: reads this large cost little per byte.
pub const CHUNK_BYTES: usize = 1 << 20;
/// A line longer than this (CloudWatch events are at most 1 MiB) is handed on in pieces rather
/// than held whole.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Splits a reader into chunks of whole lines.
pub struct LineChunks<R> {
    reader: R,
    /// The start of a line the last chunk cut off.
    carry: Vec<u8>,
    done: bool,
}

impl<R: Read> LineChunks<R> {
    pub fn new(reader: R) -> Self {
        LineChunks {
            reader,
            carry: Vec::new(),
            done: false,
        }
    }

    /// Fills `chunk` (emptied first) with the next run of whole lines, about [`CHUNK_BYTES`]
    /// (the input's last line may lack its line break); `false` once the input is over.
    pub fn fill(&mut self, chunk: &mut Vec<u8>) -> std::io::Result<bool> {
        chunk.clear();
        chunk.append(&mut self.carry);
        while !self.done {
            let held = chunk.len();
            let want = CHUNK_BYTES.max(held);
            chunk.reserve(want);
            // read_to_end retries interrupted reads and stops at the limit or the end.
            let n = (&mut self.reader).take(want as u64).read_to_end(chunk)?;
            if n < want {
                self.done = true;
                break;
            }
            // The bytes held from before have no line break: look only at the new ones.
            if let Some(i) = memchr::memrchr(b'\n', &chunk[held..]) {
                self.carry.extend_from_slice(&chunk[held + i + 1..]);
                chunk.truncate(held + i + 1);
                return Ok(true);
            }
            if chunk.len() >= MAX_LINE_BYTES {
                return Ok(true);
            }
        }
        Ok(!chunk.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes a call, as pipes do.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.data.len().min(self.step).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn chunks(reader: impl Read) -> Vec<Vec<u8>> {
        let mut chunks = LineChunks::new(reader);
        let mut out = Vec::new();
        let mut chunk = Vec::new();
        while chunks.fill(&mut chunk).unwrap() {
            out.push(chunk.clone());
        }
        out
    }

    #[test]
    fn every_chunk_is_whole_lines_and_together_they_are_the_input() {
        let text: String = (0..300_000).map(|i| format!("line {i}\n")).collect();
        let input = format!("{text}no line break at the end");
        for step in [1, 7, 4096, usize::MAX] {
            let got = chunks(Trickle {
                data: input.as_bytes(),
                step,
            });
            assert!(got.len() > 1, "step {step}: one chunk only");
            for chunk in &got[..got.len() - 1] {
                assert!(chunk.ends_with(b"\n"), "step {step}: a chunk ends mid-line");
            }
            assert_eq!(got.concat(), input.as_bytes(), "step {step}");
        }
    }

    #[test]
    fn a_line_longer_than_a_chunk_is_held_whole() {
        let long = "x".repeat(CHUNK_BYTES * 3);
        let input = format!("a\n{long}\nb\n");
        let lines: Vec<usize> = chunks(input.as_bytes())
            .iter()
            .flat_map(|c| {
                c.split(|&b| b == b'\n')
                    .filter(|l| !l.is_empty())
                    .map(<[u8]>::len)
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(lines, vec![1, long.len(), 1]);
    }

    #[test]
    fn no_input_is_no_chunk() {
        assert!(chunks(&b""[..]).is_empty());
    }
}
