"""``xe erase``: carry out one data subject's erasure request (PIPL / GDPR); docs/privacy.md."""

from __future__ import annotations

from pathlib import Path

import click

from include.cli.common import emit_json, json_option, note, warehouse_option


@click.command("erase")
@click.option("--platform", default=None, help="Platform of one of the subject's accounts (with --user-id), "
              "e.g. tmall; raw spellings such as 天猫 are accepted.")
@click.option("--user-id", default=None, help="platform_user_id of that account (with --platform).")
@click.option("--customer-key", default=None, help="The subject's marts.dim_customer.customer_key.")
@click.option("--phone", default=None, help="The subject's phone number, any format (+86 138-0013-8000); "
              "only its keyed hash is used.")
@click.option("--dry-run", is_flag=True, help="Show what would be erased (rows per table); change nothing.")
@click.option("--no-rebuild", is_flag=True, help="Skip the dbt rebuild of the marts and the republication "
              "(the marts and bi keep the subject's rows until the next build and publish).")
@click.option("--postgres", is_flag=True, help="Also mirror the republished bi schema to PostgreSQL (EE_PG_DSN).")
@click.option("--bi-warehouse", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Published file (default EE_BI_WAREHOUSE: data/published.duckdb).")
@warehouse_option
@json_option
def erase(platform, user_id, customer_key, phone, dry_run, no_rebuild, postgres, bi_warehouse, warehouse,
          as_json) -> None:
    """Erase one customer's data everywhere: raw, quarantine, marts, voc, insight, bi.

    Name the subject by an account (--platform and --user-id), a --customer-key and/or a
    --phone; every account linked to it (same phone hash) is erased too, with their orders,
    payments, deliveries, chats, reviews and NPS answers. Keyed hashes of the identifiers go
    to the erasure register (privacy.erasure_register), so reloading landing files that still
    hold them never brings them back; the request is logged in privacy.erasure_log (counts
    per table, a keyed hash of the subject, no identifier). Then the marts are rebuilt (dbt)
    and bi is republished (or, when validation blocks it, the rows are deleted from a copy
    that atomically replaces it). Exit 1 when the final scan still finds rows of the
    subject. One JSON line last.

    \b
    Examples:
      xe erase --platform tmall --user-id tm1234567890 --dry-run
      xe erase --phone "+86 138-0013-8000"
      xe erase --customer-key 5f2b...e9
    """
    from include.privacy.erasure import erase as run_erase

    progress = None if as_json else note
    result = run_erase(platform=platform, user_id=user_id, customer_key=customer_key, phone=phone,
                       warehouse=warehouse, bi_warehouse=bi_warehouse, dry_run=dry_run, rebuild=not no_rebuild,
                       republish=not no_rebuild, postgres=postgres, progress=progress)
    if not as_json:
        verb = "would erase" if dry_run else "erased"
        note(f"request {result['request_id']}: {verb} {sum(result['counts'].values())} row(s) of "
             f"{result['accounts']} account(s)")
        for table, rows in sorted(result["counts"].items()):
            note(f"  {table:<40} {rows:>8,}")
        if result["left"]:
            note("STILL PRESENT: " + ", ".join(f"{t} {n}" for t, n in result["left"].items()))
    emit_json(result)
    if result["status"] == "incomplete":
        raise click.exceptions.Exit(1)
