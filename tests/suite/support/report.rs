//! Rows for docs/reliability.md: when OAUTH_SETUP_FAULT_REPORT names a file, each fault test
//! appends "fault<TAB>tries<TAB>outcome" to it (bench/reliability.sh renders the table).

use std::io::Write;

pub fn row(fault: &str, tries: usize, outcome: &str) {
    let Ok(path) = std::env::var("OAUTH_SETUP_FAULT_REPORT") else {
        return;
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    writeln!(
        f,
        "{fault}\t{tries}\t{}",
        outcome.replace(['\t', '\n'], " ")
    )
    .unwrap();
}

/// How many times to repeat the long loops: a short count in CI, the full one from the script.
pub fn runs(ci: usize, full: usize) -> usize {
    match std::env::var("OAUTH_SETUP_FULL_RUNS").as_deref() {
        Ok("1") => full,
        _ => ci,
    }
}
