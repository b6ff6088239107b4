"""Profil d'une commande ``cdv-regles`` sans le bruit des imports (lancé par ``mesurer.py``).

Les modules listés dans MODULES (un nom par ligne, relevés par ``python -X importtime`` sur la
même commande) sont importés d'abord ; leur coût est mesuré à part. La commande tourne ensuite
sous cProfile : les temps par étape (lecture, conversion, schéma, règles, rapport…) ne
contiennent plus le chargement des bibliothèques.

    python benchmarks/profiler.py MODULES SORTIE.prof [--bloquer hypothesis]
        [--etapes REPERES.json module:fonction…] -- verifier F.xlsx

Avec ``--etapes``, chaque fonction « module:nom » (« module:Classe.méthode ») est cherchée dans
le code mesuré et REPERES.json reçoit sa clé cProfile (fichier, première ligne, nom), ou null
si elle n'existe pas (renommée, déplacée) : ``mesurer.py`` le dit au lieu de s'arrêter.
"""

from __future__ import annotations

import contextlib
import cProfile
import importlib
import inspect
import json
import sys
from typing import Any


def main(arguments: list[str]) -> int:
    separateur = arguments.index("--")
    options, commande = arguments[:separateur], arguments[separateur + 1:]
    modules_chemin, sortie = options[0], options[1]
    etapes_chemin: str | None = None
    etapes: list[str] = []
    for i, option in enumerate(options):
        if option == "--bloquer":
            sys.modules[options[i + 1]] = None  # type: ignore[assignment]  # comme s'il était absent
        if option == "--etapes":
            etapes_chemin = options[i + 1]
            for e in options[i + 2:]:
                if e.startswith("--"):
                    break
                etapes.append(e)
    with open(modules_chemin, encoding="utf-8") as f:
        modules = [ligne.strip() for ligne in f if ligne.strip()]
    for nom in modules:
        # Un module qui ne s'importe que dans un certain contexte n'empêche pas le profil.
        with contextlib.suppress(Exception):
            importlib.import_module(nom)

    if etapes_chemin:
        with open(etapes_chemin, "w", encoding="utf-8") as f:
            json.dump({e: repere(e) for e in etapes if not e.startswith("*:")}, f)

    from cdv_regles.cli import main as cli

    sys.argv = ["cdv-regles", *commande]
    profil = cProfile.Profile()
    with contextlib.suppress(SystemExit):
        profil.runcall(cli)
    profil.dump_stats(sortie)
    return 0


def repere(etape: str) -> tuple[str, int, str] | None:
    """(fichier, première ligne, nom) de la fonction « module:nom », comme les clés de cProfile."""
    module, _, chemin = etape.partition(":")
    try:
        objet: Any = importlib.import_module(module)
        for nom in chemin.split("."):
            objet = getattr(objet, nom)
        code = inspect.unwrap(objet).__code__
    except Exception:  # module ou fonction disparus, ou pas une fonction Python
        return None
    return code.co_filename, code.co_firstlineno, code.co_name


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
