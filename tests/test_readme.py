"""Le README marche sur un poste neuf : ses deux commandes de démarrage sont celles de la CI,
chaque commande ``cdv-regles`` qu'il montre existe (et toutes y sont), rien n'y dépend d'un
dossier hors du dépôt, et ses exemples écrivent dans ``sorties/`` (ignoré par git)."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import click

from cdv_regles.cli import cdv_regles

DEPOT = Path(__file__).resolve().parents[1]
README = (DEPOT / "README.md").read_text(encoding="utf-8")


def blocs(texte: str, langage: str = "sh") -> list[str]:
    return re.findall(rf"^```{langage}\n(.*?)^```", texte, re.MULTILINE | re.DOTALL)


def commandes(texte: str) -> list[str]:
    """Les commandes des blocs ``sh``, sans les commentaires de fin de ligne."""
    return [shlex.join(shlex.split(x, comments=True)) for b in blocs(texte) for x in b.splitlines()
            if x.strip() and not x.lstrip().startswith("#")]


def test_les_deux_commandes_de_demarrage_sont_celles_de_la_ci() -> None:
    demarrer = README[README.index("## Démarrer"):README.index("## Vérifier un tableau")]
    (bloc,) = blocs(demarrer)
    deux = commandes(f"```sh\n{bloc}```\n")
    assert len(deux) == 2 and deux[1] == "uv run pytest"
    ci = (DEPOT / ".ci" / "run").read_text(encoding="utf-8").replace("\\\n", " ")
    lancees = [shlex.split(x, comments=True) for x in ci.splitlines() if x.startswith("uv run ")]
    for commande in deux:
        attendue = shlex.split(commande)
        # Telle quelle ; la CI peut seulement rediriger sa sortie (>fichier).
        assert any(x[:len(attendue)] == attendue and all(a.startswith(">") for a in x[len(attendue):])
                   for x in lancees), commande


def test_aucun_chemin_hors_du_depot() -> None:
    for doc in ("README.md", "classeurs/README.md", "ci/README.md"):
        assert "../shared" not in (DEPOT / doc).read_text(encoding="utf-8"), doc


def test_installer_uv_sans_pip_du_systeme() -> None:
    # Sur Debian/Ubuntu, « python3 -m pip install uv » est refusé : le README donne pipx et un venv.
    demarrer = README[README.index("## Démarrer"):README.index("## Vérifier un tableau")]
    assert "pipx install uv" in demarrer and "python3 -m venv" in demarrer
    assert "externally-managed" in demarrer


def _resoudre(argv: list[str]) -> click.Command:
    ctx = cdv_regles.make_context("cdv-regles", ["--help"], resilient_parsing=True)
    _, commande, _ = cdv_regles.resolve_command(ctx, argv)
    assert commande is not None, argv
    return commande


def test_chaque_commande_du_readme_existe_et_toutes_y_sont() -> None:
    montrees = [shlex.split(c)[3:] for c in commandes(README) if c.startswith("uv run cdv-regles ")]
    vues = set()
    for argv in montrees:
        if argv[0].startswith("-"):
            continue
        commande = _resoudre(argv)
        vues.add(commande.name)
        if isinstance(commande, click.Group) and len(argv) > 1 and not argv[1].startswith("-"):
            ctx = commande.make_context(argv[0], ["--help"], resilient_parsing=True)
            assert commande.resolve_command(ctx, argv[1:])[1] is not None, argv
    ctx = cdv_regles.make_context("cdv-regles", ["--help"], resilient_parsing=True)
    toutes = {cdv_regles.get_command(ctx, n).name for n in cdv_regles.list_commands(ctx)}
    assert toutes <= vues, f"commandes absentes du README : {sorted(toutes - vues)}"


def test_les_exemples_ecrivent_dans_sorties_ignore_par_git() -> None:
    sorties = [argv[argv.index("--sortie") + 1] for c in commandes(README)
               if "--sortie" in (argv := shlex.split(c))]
    assert sorties and all(s.startswith("sorties/") for s in sorties), sorties
    for c in commandes(README):
        argv = shlex.split(c)
        if "nouveau-greffon" in argv:
            assert argv[argv.index("--dossier") + 1] == "sorties"
    ignore = subprocess.run(["git", "check-ignore", "-q", "sorties/x.csv"], cwd=DEPOT, check=False)
    assert ignore.returncode == 0, "sorties/ doit être ignoré par git (.gitignore)"
