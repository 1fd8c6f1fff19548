//! `--jq`: a jq filter run on the answer with jaq, a well-kept jq implementation, as `gh api`
//! runs gojq. Strings come out raw, everything else as compact JSON, one result per line.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;

type Data = data::JustLut<Val>;

pub struct Jq {
    filter: jaq_core::Filter<Data>,
}

impl Jq {
    /// The filter, or what is wrong with it.
    pub fn compile(code: &str) -> Result<Self, String> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs::<Data>()
            .chain(jaq_std::funs::<Data>())
            .chain(jaq_json::funs::<Data>());
        let arena = Arena::default();
        let modules = Loader::new(defs)
            .load(&arena, File { code, path: () })
            .map_err(|errs| format!("it does not parse ({} error(s))", errs.len()))?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errs| {
                let names: Vec<String> = errs
                    .iter()
                    .flat_map(|(_, e)| e.iter().map(|(name, _)| (*name).to_string()))
                    .collect();
                format!("it does not compile (unknown: {})", names.join(", "))
            })?;
        Ok(Self { filter })
    }

    /// Each result for the JSON document `input`, as a line.
    pub fn run(&self, input: &[u8], line: &mut dyn FnMut(String)) -> Result<(), String> {
        // jaq's reader recurses without a bound, and a server's `[[[[…` would overflow the stack.
        if nesting(input) > MAX_NESTING {
            return Err(format!("the answer nests deeper than {MAX_NESTING} levels"));
        }
        let value = jaq_json::read::parse_single(input)
            .map_err(|e| format!("the answer is not JSON ({e})"))?;
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([]));
        for out in self.filter.id.run((ctx, value)).map(unwrap_valr) {
            let v = out.map_err(|e| format!("the filter failed ({e})"))?;
            line(match &v {
                Val::TStr(s) => String::from_utf8_lossy(s).into_owned(),
                other => other.to_string(),
            });
        }
        Ok(())
    }
}

/// As deep as serde_json reads.
const MAX_NESTING: usize = 128;

/// The deepest nesting of arrays and objects in a JSON text (strings skipped).
fn nesting(input: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in input {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'[' | b'{' if !in_string => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' if !in_string => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(code: &str, input: &str) -> Result<Vec<String>, String> {
        let jq = Jq::compile(code)?;
        let mut out = Vec::new();
        jq.run(input.as_bytes(), &mut |l| out.push(l))?;
        Ok(out)
    }

    #[test]
    fn filters_like_jq() {
        assert_eq!(
            lines(".[].id", r#"[{"id":1},{"id":2}]"#).unwrap(),
            ["1", "2"]
        );
        assert_eq!(lines(".name", r#"{"name":"acme"}"#).unwrap(), ["acme"]);
        assert_eq!(
            lines("map(select(.n > 1)) | length", r#"[{"n":1},{"n":2}]"#).unwrap(),
            ["1"]
        );
        assert_eq!(lines("{a: .x}", r#"{"x":[1]}"#).unwrap(), [r#"{"a":[1]}"#]);
        assert!(lines(".[", "{}").is_err());
        assert!(lines("nosuchfunction", "{}").is_err());
        assert!(lines(".", "<xml/>").is_err());
        assert!(lines("error(\"x\")", "{}").is_err());
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(
            lines(".", &deep).is_err(),
            "too deep: refused, not a stack overflow"
        );
    }
}
