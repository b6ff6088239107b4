"""Les règles ``schema:`` (cdv_regles.schema) jugées par leurs expressions polars : elles disent,
valeur par valeur, ce que disent les contrôles pandera, et donnent les mêmes constats que pandera
sur les tableaux de référence ; pandera n'est chargé que pour un tableau typé non conforme."""

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


def test_une_valeur_hors_liste_ne_charge_pas_pandera(classeur) -> None:
    """Les constats d'une valeur refusée viennent des expressions polars : 0,2 s d'import de
    moins à chaque clic, même quand une cellule est fautive."""
    chemin = classeur([{"statut": "Accepté"}, {"cout_total": -50}])
    assert _modules_charges(chemin) == (2, "False")


def _par_pandera_et_par_polars(chemin: Path) -> tuple[list, list]:
    import cdv_regles.schema as schema
    from cdv_regles.verification import verifier_fichier

    date = dt.date(2023, 3, 1)
    par_polars = verifier_fichier(chemin, millesime=2023, date_reference=date).constats
    conformes = schema._types_conformes
    schema._types_conformes = lambda *a: False  # comme si la conversion avait manqué un dtype
    try:
        par_pandera = verifier_fichier(chemin, millesime=2023, date_reference=date).constats
    finally:
        schema._types_conformes = conformes
    return par_polars, par_pandera


def test_memes_constats_que_pandera_sur_l_exemple() -> None:
    polars_, pandera_ = _par_pandera_et_par_polars(RACINE / "classeurs" / "exemple-programmation-2023.xlsx")
    assert len(polars_) > 10 and polars_ == pandera_


def test_memes_constats_que_pandera_quand_des_valeurs_sont_refusees(classeur) -> None:
    """Valeurs hors liste, négatives, hors bornes, doublons, sur plusieurs lignes et colonnes : les
    constats, leur texte et leur ordre sont ceux que donnerait pandera."""
    chemin = classeur([
        {"statut": "Accepté", "cout_total": -50},
        {"numero_dossier": "D-2023-001"},
        {"numero_dossier": "D-2023-001", "type_porteur": "Fondation", "marqueur_egalite": 3},
        {"cout_total": 0, "statut": "validé", "beneficiaires_hommes": -3, "orientation": 7},
    ])
    polars_, pandera_ = _par_pandera_et_par_polars(chemin)
    schema_ = [c for c in polars_ if c.famille == "schema" and c.regle != "SCH-CELLULE"]
    assert len(schema_) >= 5, [c.regle for c in polars_]
    assert polars_ == pandera_
    assert [c.message for c in polars_] == [c.message for c in pandera_]


def test_memes_constats_que_pandera_sur_le_banc(tmp_path) -> None:
    """Le tableau de 2 000 dossiers du banc d'essai (écrit comme Excel) : des milliers de valeurs
    refusées, les mêmes constats."""
    import sys

    sys.path.insert(0, str(RACINE / "benchmarks"))
    try:
        import generer
    finally:
        sys.path.pop(0)
    chemin = generer.tableaux(tmp_path, [(2000, "csv")])[2000, "csv"]
    polars_, pandera_ = _par_pandera_et_par_polars(chemin)
    assert sum(c.famille == "schema" for c in polars_) > 100
    assert polars_ == pandera_
