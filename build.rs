#![allow(
    clippy::disallowed_macros,
    reason = "a build script talks to cargo on stdout"
)]
//! Compiles in every preset under assets/providers, so adding a provider is adding a file.

use std::fmt::Write as _;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new("assets/providers");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut out = String::from("&[\n");
    for name in &names {
        println!("cargo::rerun-if-changed=assets/providers/{name}");
        writeln!(
            out,
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/assets/providers/{name}\"))),"
        )?;
    }
    out.push(']');
    let out_dir = std::env::var("OUT_DIR")?;
    std::fs::write(Path::new(&out_dir).join("presets.rs"), out)?;
    // The ids, from the file names (a test checks each preset's id matches), so that checking a
    // profile's provider does not parse every preset.
    let ids: Vec<String> = names
        .iter()
        .map(|n| format!("{:?}", n.trim_end_matches(".toml")))
        .collect();
    std::fs::write(
        Path::new(&out_dir).join("preset_ids.rs"),
        format!("&[{}]", ids.join(", ")),
    )?;
    // Each preset's `token_env`, so that `exec` parses no preset (the Coupa one is 30 KiB).
    let mut envs = String::from("&[\n");
    for (name, id) in names.iter().zip(&ids) {
        let table: toml::Table = std::fs::read_to_string(dir.join(name))?.parse()?;
        let vars: Vec<String> = table
            .get("token_env")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .map(|s| format!("{s:?}"))
                    .collect()
            })
            .unwrap_or_default();
        writeln!(envs, "    ({id}, &[{}]),", vars.join(", "))?;
    }
    envs.push(']');
    std::fs::write(Path::new(&out_dir).join("preset_token_env.rs"), envs)?;
    Ok(())
}
