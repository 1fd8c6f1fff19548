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
    for name in names {
        println!("cargo::rerun-if-changed=assets/providers/{name}");
        writeln!(
            out,
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/assets/providers/{name}\"))),"
        )?;
    }
    out.push(']');
    std::fs::write(
        Path::new(&std::env::var("OUT_DIR")?).join("presets.rs"),
        out,
    )?;
    Ok(())
}
