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
    let Some(dir) = &args.dir else {
        // The page itself, for a pager: nothing is written to the current folder.
        let mut out = std::io::stdout().lock();
        return crate::cli::completions::main_page(&mut out)
            .map_err(|e| CmdError::new(ExitCode::Internal, format!("cannot write the page: {e}")));
    };
    if dir.exists() && !dir.is_dir() {
        return Err(
            CmdError::usage(format!("--dir {}: is a file, not a folder", dir.display()))
                .with_fix("give a folder (it is created when missing)"),
        );
    }
    let pages = crate::cli::completions::write_man_pages(dir).map_err(|e| {
        CmdError::usage(format!("--dir {}: {e}", dir.display()))
            .with_fix("give a folder you can write to")
    })?;
    for page in pages {
        crate::say!("{}", page.display());
    }
    Ok(())
}
