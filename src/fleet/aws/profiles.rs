//! The shared AWS files (`~/.aws/config`, `~/.aws/credentials`, or where `AWS_CONFIG_FILE` and
//! `AWS_SHARED_CREDENTIALS_FILE` point) and whether a profile is defined in them, so that a
//! mistyped `--profile` is named as such instead of ending in the instance metadata service.

use std::path::PathBuf;

/// The config file and the credentials file, as the SDK finds them.
fn files() -> [PathBuf; 2] {
    let home = dirs::home_dir().unwrap_or_default();
    let from_env = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".aws").join(default))
    };
    [
        from_env("AWS_CONFIG_FILE", "config"),
        from_env("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    ]
}

/// Whether `profile` has a section in either file (`[profile NAME]` or `[NAME]`; `[default]`).
pub fn defined(profile: &str) -> bool {
    files().iter().any(|path| {
        std::fs::read_to_string(path).is_ok_and(|text| sections(&text).any(|s| s == profile))
    })
}

/// The files, for a message: `~/.aws/config or ~/.aws/credentials`.
pub fn files_shown() -> String {
    let [config, credentials] = files();
    format!("{} or {}", config.display(), credentials.display())
}

/// The profile names of the sections of an INI-style AWS file (`sso-session` and `services`
/// sections are not profiles).
fn sections(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let inner = line.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
        let mut words = inner.split_whitespace();
        match (words.next()?, words.next(), words.next()) {
            ("profile", Some(name), None) => Some(name),
            ("sso-session" | "services", Some(_), None) => None,
            (name, None, None) => Some(name),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_read_from_both_file_styles() {
        let config = "[default]\nregion = eu-west-1\n[profile dev]\nsso_session = corp\n[sso-session corp]\n[ profile  prod ]\n";
        let names: Vec<&str> = sections(config).collect();
        assert_eq!(names, ["default", "dev", "prod"]);
        let credentials = "[ci]\naws_access_key_id = x\n# [commented]\n";
        assert_eq!(sections(credentials).collect::<Vec<_>>(), ["ci"]);
    }
}
