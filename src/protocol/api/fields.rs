//! `api`'s fields, as `gh api` takes them: `-f key=value` a string, `-F key=value` typed
//! (true, false, null, a number; anything else a string), `key[]=value` an array. For a GET
//! they are the query; otherwise a JSON object body. A GraphQL request sends `query` (and
//! `operationName`) at the top and every other field under `variables`.

use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Raw(String),
    Typed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: String,
    pub value: FieldValue,
}

impl Field {
    /// `key=value`; `None` without `=` or with an empty key.
    pub fn parse(text: &str, typed: bool) -> Option<Self> {
        let (key, value) = text.split_once('=')?;
        (!key.is_empty()).then(|| Self {
            key: key.to_string(),
            value: if typed {
                FieldValue::Typed(value.to_string())
            } else {
                FieldValue::Raw(value.to_string())
            },
        })
    }

    fn json(&self) -> Value {
        match &self.value {
            FieldValue::Raw(s) => Value::String(s.clone()),
            FieldValue::Typed(s) => match s.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                _ => s
                    .parse::<i64>()
                    .map(Value::from)
                    .ok()
                    .or_else(|| {
                        s.parse::<f64>()
                            .ok()
                            .filter(|f| f.is_finite())
                            .map(Value::from)
                    })
                    .unwrap_or_else(|| Value::String(s.clone())),
            },
        }
    }

    fn text(&self) -> String {
        match &self.value {
            FieldValue::Raw(s) | FieldValue::Typed(s) => s.clone(),
        }
    }
}

fn object(fields: &[&Field]) -> Map<String, Value> {
    let mut out = Map::new();
    for f in fields {
        match f.key.strip_suffix("[]") {
            Some(key) => {
                let slot = out
                    .entry(key.to_string())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(a) = slot {
                    a.push(f.json());
                } else {
                    *slot = Value::Array(vec![f.json()]);
                }
            }
            None => {
                out.insert(f.key.clone(), f.json());
            }
        }
    }
    out
}

/// The fields as query pairs (for a GET) or a JSON body (otherwise).
pub fn body_and_query(
    fields: &[Field],
    as_query: bool,
) -> (Option<Vec<u8>>, Vec<(String, String)>) {
    if fields.is_empty() {
        return (None, Vec::new());
    }
    if as_query {
        let pairs = fields.iter().map(|f| (f.key.clone(), f.text())).collect();
        return (None, pairs);
    }
    let refs: Vec<&Field> = fields.iter().collect();
    let body = serde_json::to_vec(&Value::Object(object(&refs))).unwrap_or_default();
    (Some(body), Vec::new())
}

/// A GraphQL request's body.
pub fn graphql_body(fields: &[Field]) -> Vec<u8> {
    let top = |k: &str| k == "query" || k == "operationName";
    let (head, vars): (Vec<&Field>, Vec<&Field>) = fields.iter().partition(|f| top(&f.key));
    let mut doc = object(&head);
    if !vars.is_empty() {
        doc.insert("variables".into(), Value::Object(object(&vars)));
    }
    serde_json::to_vec(&Value::Object(doc)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(t: &str) -> Field {
        Field::parse(t, false).unwrap()
    }
    fn typed(t: &str) -> Field {
        Field::parse(t, true).unwrap()
    }

    #[test]
    fn typed_raw_and_arrays() {
        let fields = [
            f("name=a=b"),
            typed("n=3"),
            typed("ok=true"),
            typed("x=null"),
            typed("f=1.5"),
            typed("s=abc"),
            f("raw=3"),
            f("ids[]=1"),
            typed("ids[]=2"),
        ];
        let (body, query) = body_and_query(&fields, false);
        assert!(query.is_empty());
        let doc: Value = serde_json::from_slice(&body.unwrap()).unwrap();
        assert_eq!(
            doc,
            json!({"name": "a=b", "n": 3, "ok": true, "x": null, "f": 1.5, "s": "abc", "raw": "3", "ids": ["1", 2]})
        );
        let (body, query) = body_and_query(&[f("limit=5"), typed("offset=0")], true);
        assert!(body.is_none());
        assert_eq!(
            query,
            vec![("limit".into(), "5".into()), ("offset".into(), "0".into())]
        );
        assert_eq!(Field::parse("novalue", false), None);
        assert_eq!(Field::parse("=v", false), None);
    }

    #[test]
    fn graphql_variables() {
        let body = graphql_body(&[
            f("query=query($n: Int) { x(n: $n) }"),
            typed("n=2"),
            f("operationName=Q"),
        ]);
        let doc: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            doc,
            json!({"query": "query($n: Int) { x(n: $n) }", "operationName": "Q", "variables": {"n": 2}})
        );
    }
}
