use oauth_setup::base::out::{StdoutState, stdout_state};
use oauth_setup::cli::commands;

fn main() {
    oauth_setup::base::hardening::no_core_dumps();
    oauth_setup::cli::completions::answer_if_asked();
    let cli = oauth_setup::cli::args::parse();
    let mut code = match commands::run(cli) {
        Ok(()) => 0,
        Err(e) => {
            if !e.message.is_empty() {
                oauth_setup::tell!("error: {}", e.message);
            }
            if let Some(fix) = &e.fix {
                oauth_setup::tell!("  fix: {fix}");
            }
            e.exit_code()
        }
    };
    // A closed pipe (`| head`) is what the reader asked for; a failed write is not.
    if stdout_state() == StdoutState::Failed && code == 0 {
        oauth_setup::tell!("error: the output could not be written (is the disk full?)");
        code = 1;
    }
    std::process::exit(code);
}
