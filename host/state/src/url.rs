//! Store URLs, and their form for messages: without a password.

/// `url` with the password (`user:password@`) replaced by `***`.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let hidden = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_string()
            };
            format!("{scheme}://{hidden}@{host}{path}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(
            redacted("postgres://xcgate:s3cret@db.example:5432/xcgate?sslmode=require"),
            "postgres://xcgate:***@db.example:5432/xcgate?sslmode=require"
        );
        assert_eq!(redacted("postgres://xcgate@db/x"), "postgres://xcgate@db/x");
        assert_eq!(
            redacted("sqlite:///var/lib/xcgate/state.db"),
            "sqlite:///var/lib/xcgate/state.db"
        );
        assert_eq!(redacted("postgres://u:p@w:rd@h/d"), "postgres://u:***@h/d");
    }
}
