//! Where a plugin's request goes: the endpoint's URL, or a path relative to it. The plugin
//! never names a scheme or host, and cannot climb above the URL its community declares.

/// Join `path` (relative, with an optional query) onto the endpoint's `base`.
pub fn resolve(base: &http::Uri, path: &str) -> Result<http::Uri, String> {
    if path.is_empty() {
        return Ok(base.clone());
    }
    if path.starts_with('/') || path.contains("://") || path.starts_with("//") {
        return Err(
            "path must be relative to the endpoint's URL (no leading `/`, scheme or host)".into(),
        );
    }
    if path
        .chars()
        .any(|c| c.is_ascii_control() || c == ' ' || c == '#' || c == '\\')
    {
        return Err("path has a space, a control character, `#` or `\\`; percent-encode it".into());
    }
    let (path_part, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    // Percent-encoded dots count as dots: servers decode them before resolving.
    if path_part
        .split('/')
        .map(|seg| seg.replace("%2e", ".").replace("%2E", "."))
        .any(|seg| seg == ".." || seg == ".")
    {
        return Err("path has a `.` or `..` segment".into());
    }
    let base_path = base.path().trim_end_matches('/');
    let mut joined = format!("{base_path}/{path_part}");
    if let Some(q) = query {
        joined.push('?');
        joined.push_str(q);
    }
    let mut parts = base.clone().into_parts();
    parts.path_and_query = Some(
        joined
            .parse()
            .map_err(|e| format!("path is not a valid URL path: {e}"))?,
    );
    http::Uri::from_parts(parts).map_err(|e| format!("path is not a valid URL path: {e}"))
}

#[cfg(test)]
mod tests {
    use super::resolve;

    fn base() -> http::Uri {
        http::Uri::from_static("https://fhir.example:8443/fhir/R4")
    }

    #[test]
    fn an_empty_path_is_the_endpoint_url_itself() {
        assert_eq!(resolve(&base(), "").ok(), Some(base()));
    }

    #[test]
    fn a_relative_path_and_query_go_under_the_endpoint_url() {
        let uri = resolve(&base(), "Patient?family=Virtanen&birthdate=1980-02-03");
        assert_eq!(
            uri.map(|u| u.to_string()).ok().as_deref(),
            Some("https://fhir.example:8443/fhir/R4/Patient?family=Virtanen&birthdate=1980-02-03")
        );
        let slash = http::Uri::from_static("http://h/fhir/");
        assert_eq!(
            resolve(&slash, "Binary/1")
                .map(|u| u.to_string())
                .ok()
                .as_deref(),
            Some("http://h/fhir/Binary/1")
        );
    }

    #[test]
    fn paths_that_leave_the_endpoint_are_refused() {
        for bad in [
            "/etc/passwd",
            "//evil.example/x",
            "http://evil.example/",
            "../admin",
            "Binary/../../admin",
            "a/%2E%2E/b",
            ".%2e/b",
            "Patient name",
            "x#frag",
            "a\\b",
        ] {
            assert!(resolve(&base(), bad).is_err(), "{bad} must be refused");
        }
        // A query may contain slashes and dots.
        assert!(resolve(&base(), "Patient?identifier=urn:oid:1.2|../x").is_ok());
    }
}
