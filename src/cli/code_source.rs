//! What `deploy` ships, read from the command line's `--zip`, `--dir` or `--s3`.

use crate::fleet::CodeSource;
use crate::text::visible;

/// What `deploy` ships, checked before anything is sent: a zip file, a directory zipped the
/// same way every time, an S3 object, or (locally) the working directory.
pub(super) fn code_source(
    zip: Option<std::path::PathBuf>,
    dir: Option<std::path::PathBuf>,
    s3: Option<String>,
    local: bool,
) -> Result<CodeSource, String> {
    use crate::fleet::artifact::{check_zip, package};
    match (zip, dir, s3) {
        (Some(path), _, _) => {
            let bytes =
                std::fs::read(&path).map_err(|e| format!("--zip {}: {e}", path.display()))?;
            check_zip(&bytes, &format!("--zip {}", path.display()))?;
            Ok(CodeSource::Zip(bytes.into()))
        }
        (_, Some(dir), _) => {
            if !dir.is_dir() {
                return Err(format!("--dir {}: not a directory", dir.display()));
            }
            let zipped = package(&dir, &crate::fleet::walk::Cancel::new())
                .map_err(|e| format!("--dir {}: {e}", dir.display()))?;
            for left_out in &zipped.left_out {
                eprintln!(
                    "mfn-tui: --dir {}: left out {}",
                    dir.display(),
                    visible(&left_out.to_string())
                );
            }
            Ok(CodeSource::Zip(zipped.bytes))
        }
        (_, _, Some(url)) => {
            let (bucket, key) = url
                .strip_prefix("s3://")
                .and_then(|r| r.split_once('/'))
                .filter(|(b, k)| !b.is_empty() && !k.is_empty())
                .ok_or_else(|| format!("--s3 {url}: write s3://BUCKET/KEY"))?;
            Ok(CodeSource::S3 {
                bucket: bucket.to_owned(),
                key: key.to_owned(),
            })
        }
        (None, None, None) if local => Ok(CodeSource::WorkingDirectory),
        (None, None, None) => {
            Err("deploy needs the code: --zip FILE, --dir DIR or --s3 s3://BUCKET/KEY".into())
        }
    }
}
