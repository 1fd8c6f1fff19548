//! Completions and man pages as a user installs them: a real bash with the completion loaded
//! asked for completions, and man rendering every page with warnings on.

use std::path::Path;
use std::process::Command;

use crate::support::cli::{Env, Run};
use crate::support::oauth::OAuthConfig;

fn bin_dir() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_oauth-setup"))
        .parent()
        .unwrap()
}

/// What bash offers for the words typed so far (the last one is being completed), with the
/// script of `oauth-setup completions bash` loaded and oauth-setup on PATH.
fn bash_completes(env: &Env, words: &[&str]) -> Vec<String> {
    let script = r#"
source <(oauth-setup completions bash) || exit 3
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMP_TYPE=9
_clap_complete_oauth_setup oauth-setup "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", script, "bash"])
        .args(words)
        .env("PATH", path)
        .env("OAUTH_SETUP_CONFIG_DIR", env.config())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_completes_commands_options_and_profile_names() {
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let env = Env::new();
    for name in ["acme", "acme-eu", "zeta"] {
        env.add_profile(name, &server);
    }
    assert_eq!(bash_completes(&env, &["oauth-setup", "tok"]), ["token"]);
    assert_eq!(bash_completes(&env, &["oauth-setup", "ins"]), ["inspect"]);
    assert_eq!(
        bash_completes(&env, &["oauth-setup", "exec", "ac"]),
        ["acme", "acme-eu"]
    );
    assert_eq!(
        bash_completes(&env, &["oauth-setup", "token", "ac"]),
        ["acme", "acme-eu"]
    );
    assert_eq!(
        bash_completes(&env, &["oauth-setup", "show", "z"]),
        ["zeta"]
    );
    let verify = bash_completes(&env, &["oauth-setup", "verify", "acme", ""]);
    assert!(verify.contains(&"zeta".to_string()), "{verify:?}");
    assert_eq!(
        bash_completes(&env, &["oauth-setup", "verify", "--js"]),
        ["--json"]
    );
    // No profiles file: no names, and nothing printed besides.
    let empty = Env::new();
    assert!(bash_completes(&empty, &["oauth-setup", "token", "a"]).is_empty());
}

#[test]
fn every_shell_gets_a_script_that_calls_back_for_completions() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = env.run(&["completions", shell]).expect(0).stdout.clone();
        assert!(
            out.contains("OAUTH_SETUP_COMPLETE") && out.contains("oauth-setup"),
            "{shell}:\n{out}"
        );
    }
    env.run(&["completions", "tcsh"]).expect(2);
}

#[test]
fn man_writes_a_page_per_command_and_each_renders_without_warnings() {
    let env = Env::new();
    let dir = env.dir.path().join("man/man1");
    let run = env.run(&["man", "--dir", dir.to_str().unwrap()]);
    let pages: Vec<&str> = run.expect(0).stdout.lines().collect();
    let help = env.run(&["--help"]).expect(0).stdout.clone();
    for command in [
        "setup",
        "rotate",
        "verify",
        "token",
        "exec",
        "api",
        "inspect",
        "show",
        "import",
        "completions",
        "man",
    ] {
        assert!(help.contains(command), "{command} in --help");
        let page = dir.join(format!("oauth-setup-{command}.1"));
        assert!(
            pages.contains(&page.to_str().unwrap()),
            "{command}: {pages:?}"
        );
    }
    assert!(pages.contains(&dir.join("oauth-setup.1").to_str().unwrap()));
    for page in &pages {
        let out = Command::new("man")
            .args(["--warnings", "-l", page])
            .env("MANWIDTH", "80")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.trim().is_empty(),
            "{page}: {stderr}"
        );
        // Bold and underline come as overstrikes (c, backspace, c): keep the last of each.
        let mut text = String::new();
        for c in String::from_utf8_lossy(&out.stdout).chars() {
            if c == '\u{8}' {
                text.pop();
            } else {
                text.push(c);
            }
        }
        assert!(text.contains("SYNOPSIS"), "{page}:\n{text}");
    }
    let file = dir.join("oauth-setup.1");
    let run = env.run(&["man", "--dir", file.to_str().unwrap()]);
    assert!(
        run.expect(2).stderr.contains("is a file, not a folder"),
        "{}",
        run.stderr
    );
    let token = std::fs::read_to_string(dir.join("oauth-setup-token.1")).unwrap();
    assert!(token.contains("min\\-valid"), "the options are in the page");
    assert!(
        token.contains("exec\\-credential"),
        "the hand-over formats are in the page"
    );
    let exec = std::fs::read_to_string(dir.join("oauth-setup-exec.1")).unwrap();
    assert!(
        exec.contains("keep\\-fresh") && exec.contains("BEARER_TOKEN_FILE"),
        "{exec}"
    );
    let api = std::fs::read_to_string(dir.join("oauth-setup-api.1")).unwrap();
    assert!(api.contains("paginate") && api.contains("jq"), "{api}");
    // Without --dir: the main page on stdout, and nothing written where the command ran.
    let here = env.dir.path().join("here");
    std::fs::create_dir_all(&here).unwrap();
    let run = Run::from_output(env.cmd().current_dir(&here).arg("man").output().unwrap());
    assert!(
        run.expect(0).stdout.contains(".TH oauth-setup 1"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read_dir(&here).unwrap().count(),
        0,
        "no file in the current folder"
    );
    // The help names what each command and value is for.
    let login = env.run(&["login", "--help"]).expect(0).stdout.clone();
    assert!(
        login.contains("authorization code or device code"),
        "{login}"
    );
    let setup = env.run(&["setup", "--help"]).expect(0).stdout.clone();
    for value in ["keyring: The OS keyring", "file:    A private file"] {
        assert!(setup.contains(value), "{value}: {setup}");
    }
}
