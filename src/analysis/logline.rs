//! What a log line says about itself: the request it belongs to, where the line tells.

/// The request id of a line: platform lines (`START`/`END`/`REPORT RequestId: …`), the managed
/// runtimes' text lines (`TIME\tREQUEST-ID\tLEVEL\t…`), or JSON lines with `requestId`.
pub fn request_id(message: &str) -> Option<&str> {
    let m = message.trim_start();
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
    fn other_lines_name_none() {
        assert_eq!(request_id("just a line"), None);
        assert_eq!(request_id("2026-11-28\tnot-a-uuid\tINFO\tx"), None);
        assert_eq!(request_id("{\"level\":\"info\"}"), None);
    }
}
