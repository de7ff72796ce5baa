"""One module per `wiretuner` subcommand: NAME, HELP, add_arguments(parser), run(args) -> int."""
