//! `completions` and `man`: generated from the command line itself; they need no config folder.

use super::CmdError;
use crate::base::exit::ExitCode;
use crate::cli::args::{CompletionsArgs, ManArgs};

pub fn completions(args: &CompletionsArgs) -> Result<(), CmdError> {
    let mut out = std::io::stdout().lock();
    crate::cli::completions::registration(args.shell, &mut out)
        .map_err(|e| CmdError::new(ExitCode::Internal, format!("cannot write the script: {e}")))
}

pub fn man(args: &ManArgs) -> Result<(), CmdError> {
    if args.dir.exists() && !args.dir.is_dir() {
        return Err(CmdError::usage(format!(
            "--dir {}: is a file, not a folder",
            args.dir.display()
        ))
        .with_fix("give a folder (it is created when missing)"));
    }
    let pages = crate::cli::completions::write_man_pages(&args.dir).map_err(|e| {
        CmdError::usage(format!("--dir {}: {e}", args.dir.display()))
            .with_fix("give a folder you can write to")
    })?;
    for page in pages {
        crate::say!("{}", page.display());
    }
    Ok(())
}
