//! `export` and `import`: a profile handed to a teammate without its secret. A Vault profile
//! works on the second machine at once (tested on import); a file-store one asks for its secret.

use crate::support::bao::{Bao, ROOT, vault_setup_args};
use crate::support::cli::{Env, Run};
use crate::support::oauth::OAuthConfig;

#[test]
fn a_vault_profile_exported_works_on_a_second_machine_with_no_secret_given() {
    let bao = Bao::start();
    let server = OAuthConfig::new("id", "team-secret", &["core.common.read"]).start();
    let a = Env::new();
    let setup = Run::from_output(
        a.cmd()
            .env("BAO_TOKEN", ROOT)
            .args(vault_setup_args(&server.url("/oauth2/token"), &bao.addr))
            .write_stdin("team-secret")
            .output()
            .unwrap(),
    );
    setup.expect(0);
    let export = a.run(&["export", "team"]);
    export.expect(0);
    assert!(
        export.stdout.contains("format_version = 1") && export.stdout.contains("[profile.vault]"),
        "{}",
        export.stdout
    );
    for local in [
        "team-secret",
        "secret_ref",
        "created_at",
        "last_verification",
    ] {
        assert!(
            !export.stdout.contains(local),
            "{local} is this machine's: {}",
            export.stdout
        );
    }
    let b = Env::new();
    let file = b.dir.path().join("team.profile.toml");
    std::fs::write(&file, &export.stdout).unwrap();
    // Without a terminal, each value that would receive a credential is agreed to by name; a
    // Vault address that is the importer's own BAO_ADDR is theirs already.
    let origin = server.url("");
    let unagreed = Run::from_output(
        b.cmd()
            .env("BAO_TOKEN", ROOT)
            .args(["import", file.to_str().unwrap()])
            .output()
            .unwrap(),
    );
    unagreed.expect(2);
    assert!(
        unagreed
            .stderr
            .contains(&format!("--allow-endpoint {origin}"))
            && unagreed
                .stderr
                .contains(&format!("--allow-vault {}", bao.addr)),
        "{}",
        unagreed.stderr
    );
    assert!(!b.profiles().exists());
    let import = Run::from_output(
        b.cmd()
            .env("BAO_TOKEN", ROOT)
            .env("BAO_ADDR", &bao.addr)
            .args([
                "import",
                file.to_str().unwrap(),
                "--allow-endpoint",
                &origin,
            ])
            .output()
            .unwrap(),
    );
    import.expect(0);
    assert!(
        import.stdout.contains("token endpoint") && import.stdout.contains(&bao.addr),
        "the plan is shown: {}",
        import.stdout
    );
    assert!(
        import.stdout.contains("the token request succeeded"),
        "tested at once: {}",
        import.stdout
    );
    let token = Run::from_output(
        b.cmd()
            .env("BAO_TOKEN", ROOT)
            .args(["token", "team"])
            .output()
            .unwrap(),
    );
    token.expect(0);
    assert!(!b.read_profiles().contains("team-secret"));
    // The same again clashes, unless replaced or renamed.
    let again = Run::from_output(
        b.cmd()
            .env("BAO_TOKEN", ROOT)
            .args(["import", file.to_str().unwrap()])
            .output()
            .unwrap(),
    );
    again.expect(2);
    assert!(
        again.stderr.contains("already exists") && again.stderr.contains("--replace"),
        "{}",
        again.stderr
    );
    let renamed = Run::from_output(
        b.cmd()
            .env("BAO_TOKEN", ROOT)
            .args(["import", file.to_str().unwrap(), "--profile", "team-ci"])
            .args(["--allow-endpoint", &origin, "--allow-vault", &bao.addr])
            .output()
            .unwrap(),
    );
    renamed.expect(0);
}

#[test]
fn a_file_store_profile_arrives_without_its_secret_and_bad_files_are_named() {
    let server = OAuthConfig::new("id", "sec", &["core.common.read"]).start();
    let a = Env::with_profile(&server);
    let b = Env::new();
    let file = b.dir.path().join("acme.toml");
    a.run(&["export", "acme", "--output", file.to_str().unwrap()])
        .expect(0);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("\"sec\""));
    let origin = server.url("");
    let import = b.run(&[
        "import",
        file.to_str().unwrap(),
        "--allow-endpoint",
        &origin,
    ]);
    import.expect(0);
    assert!(
        import
            .stdout
            .contains("oauth-setup rotate acme --client-secret-stdin"),
        "{}",
        import.stdout
    );
    b.run(&["token", "acme"]).expect(3);
    b.run_stdin(&["rotate", "acme", "--client-secret-stdin"], "sec")
        .expect(0);
    b.run(&["token", "acme"]).expect(0);
    // Every field is checked with setup's rules.
    let bad = b.dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        text.replace("core.common.read", "Core Common")
            .replace("\"id\"", "\"\""),
    )
    .unwrap();
    let refused = b.run(&["import", bad.to_str().unwrap(), "--profile", "other"]);
    refused.expect(2);
    assert!(
        refused.stderr.contains("client id") && refused.stderr.contains("scopes"),
        "{}",
        refused.stderr
    );
    std::fs::write(&bad, "hello = 1").unwrap();
    let junk = b.run(&["import", bad.to_str().unwrap()]);
    junk.expect(2);
    assert!(
        junk.stderr
            .contains("is not a profile written by oauth-setup export"),
        "{}",
        junk.stderr
    );
    assert!(!b.read_profiles().contains("[profiles.other]"));
}

#[test]
fn the_home_screen_imports_a_profile_file() {
    use crate::support::pty::Pty;
    let bao = Bao::start();
    let server = OAuthConfig::new("id", "team-secret", &["core.common.read"]).start();
    let a = Env::new();
    Run::from_output(
        a.cmd()
            .env("BAO_TOKEN", ROOT)
            .args(vault_setup_args(&server.url("/oauth2/token"), &bao.addr))
            .write_stdin("team-secret")
            .output()
            .unwrap(),
    )
    .expect(0);
    // A teammate's first run: no profiles, so the app opens on the wizard; Esc shows the empty
    // home, which offers the import.
    let b = Env::new();
    let file = b.dir.path().join("team.toml");
    a.run(&["export", "team", "--output", file.to_str().unwrap()])
        .expect(0);
    let mut t = Pty::spawn(&b, &[], &[("BAO_TOKEN", ROOT)]);
    t.wait_for("1/14 Provider");
    t.send("\x1b");
    t.wait_for("No profiles yet");
    t.wait_for("i import");
    t.send("i");
    t.wait_for("Profile file written by oauth-setup export");
    t.send(file.to_str().unwrap());
    t.send("\r");
    // What the file would contact is shown before anything is; Esc imports nothing.
    t.wait_for("would contact or run");
    t.wait_for(&bao.addr);
    t.wait_for("y import it");
    t.send("\x1b");
    t.wait_for("nothing imported");
    assert!(!b.profiles().exists(), "nothing was saved");
    t.send("i");
    t.wait_for("Profile file written by oauth-setup export");
    t.send(file.to_str().unwrap());
    t.send("\r");
    t.wait_for("would contact or run");
    t.send("y");
    t.wait_for("imported profile team");
    t.wait_for("tested: it works");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    Run::from_output(
        b.cmd()
            .env("BAO_TOKEN", ROOT)
            .args(["token", "team"])
            .output()
            .unwrap(),
    )
    .expect(0);
}
