//! The `awaitfix` binary: parse the command line, run it, print an error once and map it to an exit code.

use clap::Parser;

fn main() {
    let cli = awaitfix::cli::Cli::parse();
    let code = match awaitfix::run(cli) {
        Ok(status) => status as i32,
        Err(err) => {
            eprintln!("awaitfix: error: {err:#}");
            awaitfix::ExitStatus::Error as i32
        }
    };
    std::process::exit(code);
}
