"""Le tri rapide des règles ``schema:`` (cdv_regles.schema) : ses expressions polars disent, valeur
par valeur, ce que disent les contrôles pandera ; un tableau en règle ne charge pas pandera."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from cdv_regles.schema import _PANDERA, _POLARS

RACINE = Path(__file__).resolve().parents[1]

# (sorte, argument, dtype, valeurs) : les bords (égal au minimum, aux bornes), les vides, les
# valeurs extrêmes, les doublons.
CAS = [
    ("minimum", 0, pl.Float64, [0.0, -0.0, -0.01, 12.5, None, 1e12, -1e12, math.inf, -math.inf]),
    ("minimum", 0, pl.Int64, [0, -1, 5, None, 2**62, -(2**62)]),
    ("superieur", 0, pl.Float64, [0.0, 0.01, -3.0, None, 1e-9, -1e-9]),
    ("entre", (0, 2), pl.Int64, [0, 1, 2, 3, -1, None]),
    ("dans", ["Association", "Commune"], pl.String, ["Association", "Commune", "association", "", " Commune", None]),
    ("dans", [1, 2, 3, 4, 5, 6], pl.Int64, [1, 6, 0, 7, None, -1]),
    ("unique", None, pl.String, ["D1", "D2", "D1", None, None, "d1", "D3"]),
    ("unique", None, pl.String, ["D1", "D2", None]),
]


@pytest.mark.parametrize(("sorte", "argument", "dtype", "valeurs"), CAS)
def test_le_tri_refuse_exactement_ce_que_pandera_refuse(sorte, argument, dtype, valeurs) -> None:
    import pandera.polars as pa

    df = pl.DataFrame({"c": valeurs}, schema={"c": dtype})
    passe = df.select(_POLARS[sorte](pl.col("c"), argument).fill_null(True)).to_series().to_list()
    schema = pa.DataFrameSchema({"c": pa.Column(dtype, checks=[_PANDERA[sorte](pa, argument, "R")],
                                                nullable=True)})
    try:
        schema.validate(df, lazy=True)
        refusees = set()
    except pa.errors.SchemaErrors as e:
        refusees = set(e.failure_cases["index"].to_list())
    assert {i for i, ok in enumerate(passe) if not ok} == refusees
    assert refusees or sorte == "unique"  # chaque cas a des valeurs refusées (sauf le dernier)


def _modules_charges(chemin: Path) -> tuple[int, str]:
    code = ("import sys\nsys.modules['hypothesis'] = None\nimport datetime as dt\n"
            "from cdv_regles.verification import verifier_fichier\n"
            "r = verifier_fichier(sys.argv[1], millesime=2023, date_reference=dt.date(2023, 3, 1))\n"
            "print(len([c for c in r.constats if c.regle in ('SCH-LISTE', 'SCH-MONTANT-NEGATIF')]),"
            " 'pandera' in sys.modules)\n")
    fini = subprocess.run([sys.executable, "-c", code, str(chemin)], capture_output=True, text=True, timeout=120)
    assert fini.returncode == 0, fini.stderr
    nombre, charge = fini.stdout.split()
    return int(nombre), charge


def test_un_tableau_en_regle_ne_charge_pas_pandera() -> None:
    assert _modules_charges(RACINE / "classeurs" / "exemple-programmation-2023.xlsx") == (0, "False")


def test_une_valeur_hors_liste_passe_par_pandera(classeur) -> None:
    chemin = classeur([{"statut": "Accepté"}, {"cout_total": -50}])
    assert _modules_charges(chemin) == (2, "True")


def test_meme_constats_avec_ou_sans_tri() -> None:
    """Sur l'exemple (en règle pour le schéma), sauter pandera ne perd aucun constat : pandera
    forcé donne les mêmes."""
    import cdv_regles.schema as schema
    from cdv_regles.verification import verifier_fichier

    chemin, date = RACINE / "classeurs" / "exemple-programmation-2023.xlsx", dt.date(2023, 3, 1)
    avec = verifier_fichier(chemin, millesime=2023, date_reference=date).constats
    tri = schema._tout_passe
    schema._tout_passe = lambda *a: False
    try:
        sans = verifier_fichier(chemin, millesime=2023, date_reference=date).constats
    finally:
        schema._tout_passe = tri
    assert len(avec) > 10 and avec == sans
