"""Profil d'une commande ``cdv-regles`` sans le bruit des imports (lancé par ``mesurer.py``).

Les modules listés dans MODULES (un nom par ligne, relevés par ``python -X importtime`` sur la
même commande) sont importés d'abord ; leur coût est mesuré à part. La commande tourne ensuite
sous cProfile : les temps par étape (lecture, conversion, schéma, règles, rapport…) ne
contiennent plus le chargement des bibliothèques.

    python benchmarks/profiler.py MODULES SORTIE.prof [--bloquer hypothesis] -- verifier F.xlsx
"""

from __future__ import annotations

import contextlib
import cProfile
import importlib
import sys


def main(arguments: list[str]) -> int:
    separateur = arguments.index("--")
    options, commande = arguments[:separateur], arguments[separateur + 1:]
    modules_chemin, sortie = options[0], options[1]
    for i, option in enumerate(options):
        if option == "--bloquer":
            sys.modules[options[i + 1]] = None  # type: ignore[assignment]  # comme s'il était absent
    with open(modules_chemin, encoding="utf-8") as f:
        modules = [ligne.strip() for ligne in f if ligne.strip()]
    for nom in modules:
        # Un module qui ne s'importe que dans un certain contexte n'empêche pas le profil.
        with contextlib.suppress(Exception):
            importlib.import_module(nom)

    from cdv_regles.cli import main as cli

    sys.argv = ["cdv-regles", *commande]
    profil = cProfile.Profile()
    with contextlib.suppress(SystemExit):
        profil.runcall(cli)
    profil.dump_stats(sortie)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
