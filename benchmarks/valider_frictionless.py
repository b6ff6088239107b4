"""Valide un CSV (point-virgule, Windows-1252) avec frictionless et un schéma de types seulement.

Lancé comme un processus à part par ``mesurer.py`` pour mesurer, comme pour ``cdv-regles``,
le temps total du processus et sa mémoire de pointe. Toutes les erreurs sont comptées
(``limit_errors`` relevé : frictionless s'arrête à 1 000 erreurs par défaut, ce qui
l'avantagerait en lui faisant sauter la fin du fichier).

    python benchmarks/valider_frictionless.py TABLEAU.csv SCHEMA.json
"""

from __future__ import annotations

import json
import sys
from collections import Counter


def main(csv_chemin: str, schema_chemin: str) -> int:
    from frictionless import Dialect, Resource, Schema, formats

    with open(schema_chemin, encoding="utf-8") as f:
        schema = Schema.from_descriptor(json.load(f))
    ressource = Resource(csv_chemin, encoding="cp1252", schema=schema,
                         dialect=Dialect(controls=[formats.CsvControl(delimiter=";")]))
    rapport = ressource.validate(limit_errors=10**9)
    lignes = rapport.tasks[0].stats.get("rows") if rapport.tasks else None
    # Par type : des « extra-cell » ou « missing-cell » diraient que le schéma ne suit pas le CSV.
    par_type = Counter(t for (t,) in rapport.flatten(["type"]))
    print(json.dumps({"valide": rapport.valid, "erreurs": sum(par_type.values()),
                      "par_type": dict(par_type), "lignes": lignes}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
