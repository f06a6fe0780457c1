"""The ``xe`` command group: global behaviour (offline defaults, errors, exit codes) and its subcommands."""

from __future__ import annotations

import click

from include.cli.common import apply_offline_defaults, fail_cleanly, handled_errors


class XeGroup(click.Group):
    """The top-level group: turns known failures into one-line errors with documented exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except handled_errors() as exc:
            fail_cleanly(exc)


@click.group(cls=XeGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110,
                                           "terminal_width": 110})
@click.version_option(package_name="experience-engine", prog_name="xe")
def cli() -> None:
    """Experience Engine: voice-of-the-customer data platform.

    \b
    Typical session:
      xe run                      generate demo data and run the whole pipeline (= make run)
      xe eval demo                score the pipeline's output against the demo's ground truth
      xe topics list              the topics of the current model, with labels and sizes

    \b
    Exit codes: 0 success; 1 the work failed (the message says where the log is);
    2 bad input (usage, missing file or column, value out of range).
    EE_DEBUG=1 shows tracebacks. Settings are EE_* environment variables (.env.example).
    """
    apply_offline_defaults()


def _register() -> None:
    from include.cli import bench, evaluate, insight, pipeline, privacy, publishing, report, sentiment, topics

    for command in (pipeline.demo, pipeline.load, pipeline.build, pipeline.run, pipeline.contract,
                    pipeline.warehouse, pipeline.encoder, topics.topics, sentiment.sentiment, evaluate.eval_group,
                    insight.insight, publishing.validate, publishing.publish, report.report,
                    bench.bench, privacy.erase):
        cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> int:
    """Run ``xe`` with ``argv`` (default ``sys.argv[1:]``) and return its exit code."""
    try:
        code = cli.main(args=argv, prog_name="xe", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 130
    return code if isinstance(code, int) else 0
