//! The `gongshi` binary: everything lives in the library; this only hands over the command line.
#[actix_web::main]
async fn main() -> std::process::ExitCode {
    gongshi::cli::run().await
}
