use clap::Parser;
use oauth_setup::cli::Cli;
use oauth_setup::commands;

fn main() {
    oauth_setup::completions::answer_if_asked();
    let cli = Cli::parse();
    let code = match commands::run(cli) {
        Ok(()) => 0,
        Err(e) => {
            if !e.message.is_empty() {
                eprintln!("error: {}", e.message);
            }
            if let Some(fix) = &e.fix {
                eprintln!("  fix: {fix}");
            }
            e.code.code()
        }
    };
    std::process::exit(code);
}
