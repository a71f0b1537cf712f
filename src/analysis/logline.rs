//! What a log line says about itself: the request it belongs to, and how loud it is.

/// How a line reads to an operator on call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The platform's own lines: START, END, REPORT, INIT_START, `platform.*` records.
    Platform,
    Error,
    Warn,
    Info,
    Debug,
}

/// The level of a line: the platform's, a managed runtime's level field (`\tERROR\t`,
/// `[ERROR]`), a JSON `level`, or words that mean trouble (`Traceback`, `Task timed out`).
pub fn level(message: &str) -> Level {
    let m = message.trim_start();
    const PLATFORM: [&str; 8] = [
        "START RequestId:",
        "END RequestId:",
        "REPORT RequestId:",
        "INIT_START ",
        "INIT_REPORT ",
        "RESTORE_START ",
        "RESTORE_REPORT ",
        "EXTENSION\t",
    ];
    if PLATFORM.iter().any(|p| m.starts_with(p))
        || m.starts_with("{\"time\"") && m.contains("\"type\":\"platform.")
    {
        return Level::Platform;
    }
    if m.starts_with('{') {
        return json_level(m).unwrap_or(Level::Info);
    }
    // The managed runtimes' text layouts: `[LEVEL]\ttime\tid\t…` (Python) and
    // `time\tid\tLEVEL\t…` (Node.js, Java).
    let head = &m[..m.len().min(96)];
    for (word, level) in [
        ("ERROR", Level::Error),
        ("FATAL", Level::Error),
        ("CRITICAL", Level::Error),
        ("WARNING", Level::Warn),
        ("WARN", Level::Warn),
        ("DEBUG", Level::Debug),
        ("TRACE", Level::Debug),
    ] {
        if head.contains(&format!("\t{word}\t")) || head.starts_with(&format!("[{word}]")) {
            return level;
        }
    }
    if m.starts_with("Traceback ")
        || m.contains("Task timed out")
        || m.contains("Runtime.") && m.contains("Error")
    {
        return Level::Error;
    }
    Level::Info
}

fn json_level(m: &str) -> Option<Level> {
    let at = m.find("\"level\":\"")? + "\"level\":\"".len();
    let value = m[at..].split('"').next()?;
    Some(match value.to_ascii_uppercase().as_str() {
        "ERROR" | "FATAL" | "CRITICAL" => Level::Error,
        "WARN" | "WARNING" => Level::Warn,
        "DEBUG" | "TRACE" => Level::Debug,
        _ => Level::Info,
    })
}

/// The request id of a line: platform lines (`START`/`END`/`REPORT RequestId: …`), the managed
/// runtimes' text lines (`TIME\tREQUEST-ID\tLEVEL\t…`), or JSON lines with `requestId`.
pub fn request_id(message: &str) -> Option<&str> {
    let m = message.trim();
    for prefix in ["START RequestId: ", "END RequestId: ", "REPORT RequestId: "] {
        if let Some(rest) = m.strip_prefix(prefix) {
            return rest.split([' ', '\t']).next().filter(|id| !id.is_empty());
        }
    }
    if m.starts_with('{') {
        let at = m.find("\"requestId\":\"")? + "\"requestId\":\"".len();
        return m[at..].split('"').next().filter(|id| !id.is_empty());
    }
    let mut fields = m.split('\t');
    let (_time, id) = (fields.next()?, fields.next()?);
    looks_like_uuid(id).then_some(id)
}

fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3f1c0b2e-5d6a-4b7c-8d9e-0f1a2b3c4d5e";

    #[test]
    fn platform_runtime_and_json_lines_name_their_request() {
        assert_eq!(
            request_id(&format!("START RequestId: {ID} Version: $LATEST")),
            Some(ID)
        );
        assert_eq!(request_id(&format!("END RequestId: {ID}")), Some(ID));
        assert_eq!(request_id(&format!("END RequestId: {ID}\n")), Some(ID));
        assert_eq!(
            request_id(&format!("REPORT RequestId: {ID}\tDuration: 1 ms")),
            Some(ID)
        );
        assert_eq!(
            request_id(&format!("2026-11-28T10:00:00.000Z\t{ID}\tINFO\thello")),
            Some(ID)
        );
        assert_eq!(
            request_id(&format!(
                "{{\"type\":\"platform.report\",\"record\":{{\"requestId\":\"{ID}\"}}}}"
            )),
            Some(ID)
        );
    }

    #[test]
    fn levels_come_from_the_platform_the_runtimes_and_json() {
        assert_eq!(
            level(&format!("START RequestId: {ID} Version: $LATEST")),
            Level::Platform
        );
        assert_eq!(
            level(&format!("REPORT RequestId: {ID}\tDuration: 1 ms")),
            Level::Platform
        );
        assert_eq!(
            level("INIT_START Runtime Version: python:3.12.v40"),
            Level::Platform
        );
        assert_eq!(
            level(r#"{"time":"2026-11-28T10:00:00Z","type":"platform.report","record":{}}"#),
            Level::Platform
        );
        assert_eq!(
            level(&format!("[ERROR]\t2026-11-28T10:00:00.000Z\t{ID}\tboom")),
            Level::Error
        );
        assert_eq!(
            level(&format!("2026-11-28T10:00:00.000Z\t{ID}\tWARN\tslow")),
            Level::Warn
        );
        assert_eq!(
            level(&format!("2026-11-28T10:00:00.000Z\t{ID}\tINFO\tok")),
            Level::Info
        );
        assert_eq!(level(r#"{"level":"error","msg":"x"}"#), Level::Error);
        assert_eq!(level(r#"{"level":"debug","msg":"x"}"#), Level::Debug);
        assert_eq!(level("Traceback (most recent call last):"), Level::Error);
        assert_eq!(
            level("2026-11-28T10:00:00.000Z a Task timed out after 3.00 seconds"),
            Level::Error
        );
        assert_eq!(
            level("an ERROR in the middle of prose is not a level"),
            Level::Info
        );
    }

    #[test]
    fn other_lines_name_none() {
        assert_eq!(request_id("just a line"), None);
        assert_eq!(request_id("2026-11-28\tnot-a-uuid\tINFO\tx"), None);
        assert_eq!(request_id("{\"level\":\"info\"}"), None);
    }
}
