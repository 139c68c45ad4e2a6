//! The `gongshi` binary: everything lives in the library; this sets the allocator and hands over
//! the command line.

/// jemalloc returns the pages of freed memory to the system after a few seconds; glibc kept
/// a crawl's evicted stored answers as holes in its arenas (docs/OPERATIONS.md, "Memory").
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    gongshi::cli::run().await
}
