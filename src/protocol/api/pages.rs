//! A list, page by page, as the preset says it is paged: by offset (a page shorter than the
//! page size is the last) or by the `Link` header's `rel="next"`, which must stay on the
//! instance's origin.

use serde_json::Value;
use url::Url;

use super::{Answer, TargetError, next_link, same_origin};
use crate::rules::provider::{PageStyle, Pages};

/// Where the next page is.
#[derive(Debug, Clone)]
pub struct Pager {
    facts: Pages,
    origin: Url,
    limit: Option<u64>,
}

impl Pager {
    /// The first page's URL: the page size set unless the user set it, and the pager for the rest.
    pub fn start(facts: &Pages, mut url: Url) -> (Url, Self) {
        let mut limit = None;
        if let (Some(param), Some(size)) = (&facts.limit_param, facts.size) {
            let given = url
                .query_pairs()
                .find(|(k, _)| k == param)
                .and_then(|(_, v)| v.parse().ok());
            match given {
                Some(n) => limit = Some(n),
                None => {
                    url.query_pairs_mut().append_pair(param, &size.to_string());
                    limit = Some(u64::from(size));
                }
            }
        }
        let pager = Self {
            facts: facts.clone(),
            origin: url.clone(),
            limit,
        };
        (url, pager)
    }

    /// The page after `current`, which brought `count` records in `answer`; `None` after the last.
    pub fn next(
        &self,
        current: &Url,
        answer: &Answer,
        count: usize,
    ) -> Result<Option<Url>, TargetError> {
        match self.facts.style {
            PageStyle::Offset => {
                let (Some(param), Some(limit)) = (&self.facts.offset_param, self.limit) else {
                    return Ok(None);
                };
                if (count as u64) < limit || count == 0 {
                    return Ok(None);
                }
                let at: u64 = current
                    .query_pairs()
                    .find(|(k, _)| k == param)
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                let mut next = current.clone();
                let pairs: Vec<(String, String)> = current
                    .query_pairs()
                    .filter(|(k, _)| k != param)
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                next.query_pairs_mut()
                    .clear()
                    .extend_pairs(pairs)
                    .append_pair(param, &(at + count as u64).to_string());
                Ok(Some(next))
            }
            PageStyle::Link => {
                let Some(target) = answer.header("link").and_then(next_link) else {
                    return Ok(None);
                };
                let next = current.join(&target).map_err(|e| {
                    TargetError::Invalid(format!(
                        "the server's next page {target} does not parse ({e})"
                    ))
                })?;
                if !same_origin(&next, &self.origin) {
                    return Err(TargetError::OtherHost {
                        given: next.origin().ascii_serialization(),
                        instance: self.origin.origin().ascii_serialization(),
                    });
                }
                // A server that points at the same page again would never end.
                Ok((next != *current).then_some(next))
            }
        }
    }
}

/// A page's records: the array at the preset's pointer (each element), or the value there as
/// one record; none when the body is not JSON or the pointer finds nothing.
pub fn records(facts: &Pages, body: Value) -> Vec<Value> {
    let found = if facts.records.is_empty() {
        Some(body)
    } else {
        let mut body = body;
        body.pointer_mut(&facts.records).map(Value::take)
    };
    match found {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn coupa() -> Pages {
        Pages {
            style: PageStyle::Offset,
            limit_param: Some("limit".into()),
            offset_param: Some("offset".into()),
            size: Some(50),
            records: String::new(),
        }
    }

    #[test]
    fn offsets_move_by_the_records_received() {
        let url = Url::parse("https://a.coupahost.com/api/invoices?status=paid").unwrap();
        let (first, pager) = Pager::start(&coupa(), url);
        assert_eq!(
            first.as_str(),
            "https://a.coupahost.com/api/invoices?status=paid&limit=50"
        );
        let empty = Answer::default();
        let second = pager.next(&first, &empty, 50).unwrap().unwrap();
        assert_eq!(
            second.as_str(),
            "https://a.coupahost.com/api/invoices?status=paid&limit=50&offset=50"
        );
        let third = pager.next(&second, &empty, 50).unwrap().unwrap();
        assert!(third.as_str().ends_with("offset=100"));
        assert_eq!(
            pager.next(&third, &empty, 49).unwrap(),
            None,
            "a short page is the last"
        );
        assert_eq!(pager.next(&third, &empty, 0).unwrap(), None);
        // A limit the user set is the page size.
        let (first, pager) = Pager::start(
            &coupa(),
            Url::parse("https://a.coupahost.com/api/x?limit=10").unwrap(),
        );
        assert_eq!(first.as_str(), "https://a.coupahost.com/api/x?limit=10");
        assert!(pager.next(&first, &empty, 10).unwrap().is_some());
        assert!(pager.next(&first, &empty, 9).unwrap().is_none());
    }

    #[test]
    fn links_stay_on_the_origin() {
        let facts = Pages {
            style: PageStyle::Link,
            limit_param: Some("sysparm_limit".into()),
            offset_param: None,
            size: Some(2),
            records: "/result".into(),
        };
        let (first, pager) = Pager::start(
            &facts,
            Url::parse("https://x.service-now.com/api/now/table/incident").unwrap(),
        );
        assert_eq!(first.query(), Some("sysparm_limit=2"));
        let with = |link: &str| Answer {
            headers: vec![("Link".into(), link.into())],
            ..Answer::default()
        };
        let next = pager
            .next(
                &first,
                &with(r#"</api/now/table/incident?sysparm_limit=2&sysparm_offset=2>;rel="next""#),
                2,
            )
            .unwrap()
            .unwrap();
        assert_eq!(
            next.as_str(),
            "https://x.service-now.com/api/now/table/incident?sysparm_limit=2&sysparm_offset=2"
        );
        assert!(
            pager
                .next(&first, &with(r#"<https://evil.example/x>;rel="next""#), 2)
                .is_err()
        );
        assert_eq!(pager.next(&first, &Answer::default(), 2).unwrap(), None);
        assert_eq!(
            pager
                .next(&first, &with(&format!("<{first}>; rel=next")), 2)
                .unwrap(),
            None,
            "the same page again ends it"
        );
        assert_eq!(
            records(&facts, json!({"result": [1, 2]})),
            vec![json!(1), json!(2)]
        );
        assert_eq!(records(&facts, json!({"other": 1})), Vec::<Value>::new());
        assert_eq!(records(&coupa(), json!({"id": 1})), vec![json!({"id": 1})]);
    }
}
