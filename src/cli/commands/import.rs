//! `import FILE [--profile NAME] [--replace] [--allow-… VALUE]`: a teammate's profile (see
//! [`crate::flows::import`]). What the file would contact or run is shown first; in a terminal the
//! importer confirms it, without one each value must be named.

use std::io::IsTerminal;

use super::{CmdError, Ctx};
use crate::base::exit::ExitCode;
use crate::cli::args::ImportArgs;
use crate::flows::import::{
    Consent, ImportError, Item, Kind, Next, Prepared, Request, import, prepare, read,
};
use crate::report::test_failure_lines;

pub async fn run(ctx: &Ctx, args: &ImportArgs) -> Result<(), CmdError> {
    let env = |k: &str| std::env::var(k).ok();
    let shared = read(&args.file).map_err(|e| error(ctx, e, ""))?;
    let request = Request {
        name: args.profile.clone(),
        replace: args.replace,
        make_default: args.default,
        vault_addr: args.vault_addr.clone(),
    };
    let name = args.profile.clone().unwrap_or_else(|| shared.name.clone());
    let prepared =
        prepare(&ctx.accounts, &shared, &request, &env).map_err(|e| error(ctx, e, &name))?;
    show_plan(&prepared);
    let mut consent = Consent {
        endpoints: args.allow_endpoint.clone(),
        commands: args.allow_command.clone(),
        vault_addrs: args.allow_vault.clone(),
        confirmed: false,
    };
    let missing = prepared.plan.unconsented(&consent);
    if !missing.is_empty() {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(not_agreed(&missing));
        }
        let answer = crate::base::out::ask(
            "Import it, and let oauth-setup contact and run the above? [y/N] ",
        );
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return Err(CmdError::new(ExitCode::Cancelled, "nothing imported"));
        }
        consent.confirmed = true;
    }
    let client = ctx.client()?;
    let imported = import(&ctx.accounts, &client, prepared, &consent)
        .await
        .map_err(|e| error(ctx, e, &name))?;
    let name = &imported.saved.name;
    crate::say!(
        "{} profile {name} in {}",
        ctx.style.ok("imported:"),
        imported.saved.profiles_path
    );
    crate::say!("  secret: {}", imported.saved.secret_location);
    let next = match imported.next {
        Next::Ready => {
            crate::say!("{} the token request succeeded", ctx.style.ok("ok:"));
            format!("oauth-setup token {name}")
        }
        Next::Login => format!("oauth-setup login {name}"),
        Next::LoginWithSecret => {
            format!("oauth-setup login {name} --client-secret-stdin   # sign in, giving the secret")
        }
        Next::AddSecret => {
            format!("oauth-setup rotate {name} --client-secret-stdin   # add the secret")
        }
    };
    crate::say!("next:\n  {next}");
    Ok(())
}

/// Everything the profile would contact or run, before anything is.
fn show_plan(prepared: &Prepared) {
    crate::say!("profile {} would contact or run:", prepared.new.name);
    for line in crate::report::import_plan_lines(prepared) {
        crate::say!("  {line}");
    }
}

fn not_agreed(missing: &[&Item]) -> CmdError {
    let flags: Vec<String> = missing
        .iter()
        .map(|i| {
            let flag = match i.kind() {
                Kind::Endpoint => "--allow-endpoint",
                Kind::Vault => "--allow-vault",
                Kind::Command => "--allow-command",
            };
            format!("{flag} {}", shell_words::quote(&i.key))
        })
        .collect();
    CmdError::usage(format!(
        "without a terminal to ask, import needs your agreement to each value above that would run or receive a credential ({} not agreed to); nothing was imported",
        missing.len()
    ))
    .with_fix(format!(
        "check each value, then pass: {}",
        crate::rules::sanitize::one_line(&flags.join(" "), 2000)
    ))
}

fn error(ctx: &Ctx, e: ImportError, name: &str) -> CmdError {
    match e {
        ImportError::Fields(fields) => CmdError::fields(&fields),
        ImportError::Exists(n) => CmdError::usage(format!("profile \"{n}\" already exists"))
            .with_fix("pass --replace to replace it, or --profile to import under another name"),
        ImportError::NotAgreed(items) => not_agreed(&items.iter().collect::<Vec<_>>()),
        ImportError::Secret(s) => CmdError::store(&s, ctx.accounts.dir(), name),
        ImportError::Test { failure, context } => {
            let (summary, fix) = test_failure_lines(&failure, &context);
            CmdError::new(
                failure.failure.exit_code(),
                format!("{summary}; nothing was imported"),
            )
            .with_fix(fix)
        }
        ImportError::Account(a) => ctx.account_error(a, name),
        other => CmdError::new(ExitCode::Usage, other.to_string()),
    }
}
