"""Issue 15.2 : accélérer ne change aucun constat. Le rapport JSON de chaque tableau de référence
(l'exemple, les tableaux du banc d'essai, des classeurs « réels », le corpus hostile) est
comparé, octet pour octet, à son empreinte enregistrée dans ``tests/attendus/rapports.json``.

Les empreintes ont été relevées avant les changements de vitesse de l'issue 15 (et vérifiées
identiques, à la main, sur les tableaux de 50 000 dossiers du banc, trop lents pour la suite).
Un changement voulu des constats (une règle corrigée, un message reformulé) les fait changer :
relevez-les de nouveau, et dites pourquoi dans le message de commit :

    uv run python tests/test_constats_stables.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[1]
ATTENDUS = RACINE / "tests" / "attendus" / "rapports.json"
DATE = dt.date(2023, 3, 1)


def _generer() -> object:
    sys.path.insert(0, str(RACINE / "benchmarks"))
    try:
        import generer
    finally:
        sys.path.pop(0)
    return generer


def _banc(taille: int, fmt: str) -> Callable[[Path], Path]:
    def fabriquer(dossier: Path) -> Path:
        return _generer().tableaux(dossier, [(taille, fmt)])[taille, fmt]  # type: ignore[attr-defined]
    return fabriquer


def _reel(fmt: str, **options: bool) -> Callable[[Path], Path]:
    def fabriquer(dossier: Path) -> Path:
        sys.path.insert(0, str(RACINE / "tests"))
        try:
            import classeur_reel
        finally:
            sys.path.pop(0)
        ecrire = classeur_reel.ecrire_xlsx if fmt == "xlsx" else classeur_reel.ecrire_csv
        return ecrire(dossier / f"reel.{fmt}", **options)
    return fabriquer


def _hostile(nom: str, *arguments: int) -> Callable[[Path], Path]:
    def fabriquer(dossier: Path) -> Path:
        sys.path.insert(0, str(RACINE / "tests"))
        try:
            import hostiles
        finally:
            sys.path.pop(0)
        extension = "csv" if nom.startswith("csv") else "xlsx"
        return getattr(hostiles, nom)(dossier / f"{nom}.{extension}", *arguments)
    return fabriquer


CAS: dict[str, Callable[[Path], Path]] = {
    "exemple": lambda _: RACINE / "classeurs" / "exemple-programmation-2023.xlsx",
    "banc-300-xlsx": _banc(300, "xlsx"),
    "banc-300-csv": _banc(300, "csv"),
    "banc-2000-partage.xlsx": _banc(2000, "partage.xlsx"),
    "banc-2000-csv": _banc(2000, "csv"),
    "reel-xlsx-tableau": _reel("xlsx"),
    "reel-xlsx-saisies": _reel("xlsx", tableau=False, saisies_types=True),
    "reel-csv": _reel("csv"),
    "reel-csv-saisies": _reel("csv", saisies_types=True),
    "hostile-chaines-non-citees": _hostile("chaines_non_citees", 17_000),
    "hostile-textes-sans-tableau": _hostile("chaines_en_ligne_sans_tableau", 2 * 1024**2),
    "hostile-cellules-en-nombre": _hostile("cellules_en_nombre", 3000, 40),
    "hostile-nombres-apres-le-tableau": _hostile("nombres_apres_le_tableau", 1024**2),
    "hostile-csv-ligne-geante": _hostile("csv_ligne_geante", 3 * 1024**2),
    "hostile-csv-sans-tableau": _hostile("csv_sans_tableau", 80_000),
}


def rapport(chemin: Path) -> tuple[str, str]:
    """(« constats » ou « refus », texte) : le rapport JSON, ou le message de refus ; le chemin
    du fichier (qui change d'un lancement à l'autre) remplacé par « FICHIER », l'empreinte des
    règles par « VERSION »."""
    from cdv_regles.erreurs import ErreurCdv
    from cdv_regles.rapports import json_
    from cdv_regles.verification import verifier_fichier

    try:
        resultat = verifier_fichier(chemin, millesime=2023, date_reference=DATE)
    except ErreurCdv as e:
        return "refus", str(e).replace(str(chemin), "FICHIER")
    texte = json_.rendre(resultat, seuil="bloquant")
    # L'empreinte des fichiers de règles change avec le moindre YAML : elle n'est pas un constat.
    texte = texte.replace(json.dumps(resultat.version_regles), '"VERSION"')
    return "constats", texte.replace(json.dumps(str(chemin), ensure_ascii=False)[1:-1], "FICHIER")


def empreinte(sorte: str, texte: str) -> dict[str, object]:
    resume: dict[str, object] = {"sorte": sorte, "sha256": hashlib.sha256(texte.encode()).hexdigest()}
    if sorte == "constats":
        constats = json.loads(texte)["constats"]
        resume["constats"] = len(constats)
        resume["par_regle"] = dict(sorted(Counter(c["regle"] for c in constats).items()))
    else:
        resume["message"] = texte
    return resume


@pytest.fixture(scope="module")
def attendus() -> dict[str, dict[str, object]]:
    return json.loads(ATTENDUS.read_text(encoding="utf-8"))


def test_chaque_cas_a_son_empreinte(attendus) -> None:
    assert sorted(attendus) == sorted(CAS)
    # Le corpus couvre les deux issues : des rapports pleins et des refus.
    assert {a["sorte"] for a in attendus.values()} == {"constats", "refus"}
    assert all(a["constats"] > 5 for a in attendus.values() if a["sorte"] == "constats")


@pytest.mark.parametrize("cas", sorted(CAS))
def test_les_constats_ne_changent_pas(cas, attendus, tmp_path) -> None:
    sorte, texte = rapport(CAS[cas](tmp_path))
    vu = empreinte(sorte, texte)
    attendu = attendus[cas]
    # D'abord ce qui se lit (quelle règle a changé), puis l'octet près.
    assert vu["sorte"] == attendu["sorte"]
    if sorte == "constats":
        assert vu["par_regle"] == attendu["par_regle"]
    else:
        assert vu["message"] == attendu["message"]
    assert vu["sha256"] == attendu["sha256"], "même nombre de constats, mais le rapport a changé"


if __name__ == "__main__":  # relever les empreintes (voir le module)
    import tempfile

    releve = {}
    with tempfile.TemporaryDirectory() as d:
        for nom, fabriquer in sorted(CAS.items()):
            dossier = Path(d) / nom
            dossier.mkdir()
            releve[nom] = empreinte(*rapport(fabriquer(dossier)))
            print(nom, releve[nom]["sorte"], releve[nom].get("constats", ""))
    ATTENDUS.parent.mkdir(exist_ok=True)
    ATTENDUS.write_text(json.dumps(releve, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
