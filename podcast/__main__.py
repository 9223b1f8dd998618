from podcast.cli import cli

cli(prog_name="podcast")
