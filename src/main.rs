fn main() -> std::process::ExitCode {
    privaudit::run(std::env::args_os())
}
