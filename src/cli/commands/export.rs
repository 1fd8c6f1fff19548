//! `export PROFILE [--output FILE]`: the profile as a teammate needs it, without its secret,
//! tokens or local history.

use super::{CmdError, Ctx, unknown_profile};
use crate::base::exit::ExitCode;
use crate::cli::args::ExportArgs;
use crate::stores::profile::shared::SharedFile;

pub fn run(ctx: &Ctx, args: &ExportArgs) -> Result<(), CmdError> {
    let file = ctx.accounts.load()?;
    let Some(p) = file.get(&args.profile) else {
        return Err(unknown_profile(&args.profile, &file));
    };
    let shared = SharedFile::of(&args.profile, p);
    let text = toml::to_string_pretty(&shared)
        .map_err(|e| CmdError::new(ExitCode::Internal, format!("cannot write the profile: {e}")))?;
    let text = format!(
        "# An oauth-setup profile, without its secret: import it with\n#   oauth-setup import FILE\n{text}"
    );
    match &args.output {
        None => crate::say!("{}", text.trim_end()),
        Some(path) => {
            std::fs::write(path, text)
                .map_err(|e| CmdError::usage(format!("cannot write {}: {e}", path.display())))?;
            crate::tell!(
                "wrote profile {} to {} (no secret in it)",
                args.profile,
                path.display()
            );
        }
    }
    Ok(())
}
