//! The `rel="next"` target of an RFC 8288 `Link` header. Written here rather than taken from a
//! crate: the one on crates.io brings a regex engine into a program that is started per API
//! call, for a grammar of a few lines.

/// The URI reference of the first link whose `rel` has `next` (case-insensitive), if any.
pub fn next_link(header: &str) -> Option<String> {
    let mut rest = header;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        let open = rest.strip_prefix('<')?;
        let close = open.find('>')?;
        let uri = &open[..close];
        rest = &open[close + 1..];
        // The parameters run to the next comma outside a quoted string.
        let mut in_quotes = false;
        let mut escaped = false;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_quotes => escaped = true,
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let params = &rest[..end];
        rest = &rest[end..];
        if rel_has_next(params) {
            return Some(uri.to_string());
        }
        if rest.is_empty() {
            return None;
        }
    }
}

fn rel_has_next(params: &str) -> bool {
    params.split(';').any(|p| {
        let Some((name, value)) = p.split_once('=') else {
            return false;
        };
        name.trim().eq_ignore_ascii_case("rel")
            && value
                .trim()
                .trim_matches('"')
                .split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("next"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn next_among_others() {
        let sn = r#"<https://x.service-now.com/api/now/table/incident?sysparm_limit=2&sysparm_offset=0>;rel="first",<https://x.service-now.com/api/now/table/incident?sysparm_limit=2&sysparm_offset=2>;rel="next",<https://x.service-now.com/api/now/table/incident?sysparm_limit=2&sysparm_offset=8>;rel="last""#;
        assert_eq!(
            next_link(sn).as_deref(),
            Some(
                "https://x.service-now.com/api/now/table/incident?sysparm_limit=2&sysparm_offset=2"
            )
        );
        assert_eq!(next_link(r#"</p2>; rel=next"#).as_deref(), Some("/p2"));
        assert_eq!(
            next_link(r#"</a>; title="x, rel=next", </b>; rel="prev next""#).as_deref(),
            Some("/b")
        );
        assert_eq!(next_link(r#"</a>; rel="prev""#), None);
        assert_eq!(next_link(""), None);
        assert_eq!(next_link("garbage"), None);
    }

    proptest! {
        #[test]
        fn never_panics(header in "\\PC{0,120}") {
            let _ = next_link(&header);
        }
    }
}
