fn main() -> std::process::ExitCode {
    samordna::cli::main()
}
