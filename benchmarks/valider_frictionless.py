"""Valide un CSV (point-virgule, Windows-1252) avec frictionless et le schéma Table Schema du banc.

Lancé comme un processus à part par ``mesurer.py`` pour mesurer, comme pour ``cdv-regles``,
le temps total du processus et sa mémoire de pointe. Le schéma (``schema-frictionless.json``,
déduit du contrat de colonnes par ``generer.py --schema``) contrôle les types, les colonnes
obligatoires, l'unicité du numéro de dossier et le format des identifiants. Toutes les erreurs
sont comptées (``limit_errors`` relevé, comme ``--limit-errors`` de la ligne de commande :
frictionless s'arrête à 1 000 erreurs par défaut, ce qui l'avantagerait en lui faisant sauter
la fin du fichier) ; la sortie dit combien de lignes il a lues.

    python benchmarks/valider_frictionless.py TABLEAU.csv SCHEMA.json
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from typing import Any

#: Au-delà de toutes les erreurs possibles (lignes × colonnes d'un tableau du banc).
LIMITE_ERREURS = 10**9


def valider(csv_chemin: str, schema_chemin: str) -> dict[str, Any]:
    """Erreurs par type, lignes lues et quelques erreurs en exemple (type, colonne, cellule)."""
    from frictionless import Dialect, Resource, Schema, formats

    with open(schema_chemin, encoding="utf-8") as f:
        schema = Schema.from_descriptor(json.load(f))
    # frictionless refuse un chemin absolu ou qui remonte (« unsafe ») : dossier et nom à part.
    dossier, nom = os.path.split(os.path.abspath(csv_chemin))
    ressource = Resource(nom, basepath=dossier, encoding="cp1252", schema=schema,
                         dialect=Dialect(controls=[formats.CsvControl(delimiter=";")]))
    rapport = ressource.validate(limit_errors=LIMITE_ERREURS)
    lignes = rapport.tasks[0].stats.get("rows") if rapport.tasks else None
    erreurs = rapport.flatten(["type", "fieldName", "cell"])
    # Par type : des « extra-cell », « missing-cell » ou « incorrect-label » diraient que le
    # schéma ne suit pas le CSV.
    par_type = Counter(e[0] for e in erreurs)
    return {"valide": rapport.valid, "erreurs": len(erreurs), "par_type": dict(par_type),
            "lignes": lignes, "exemples": erreurs[:20]}


def main(csv_chemin: str, schema_chemin: str) -> int:
    print(json.dumps(valider(csv_chemin, schema_chemin), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
