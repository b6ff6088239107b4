"""Greffon pytest : chaque exemple de règle devient un test, sans écrire de Python.

Installé avec cdv-regles (point d'entrée ``pytest11``). pytest ramasse les fichiers YAML de
règles (``regles/socle/*.yaml`` du socle, ``regles/*.yaml`` d'un greffon, hors paramètres) et
crée un test par exemple et par millésime où la règle est en vigueur :
``PIE-CERFA::2023::invalide-1``. Les dates des exemples sont décalées pour chaque millésime (voir
``cdv_regles.exemples``). Une règle sans exemple valide ou sans exemple invalide est un test en
échec.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if est_fichier_regles(file_path):
        return FichierRegles.from_parent(parent, path=file_path)
    return None


def est_fichier_regles(chemin: Path) -> bool:
    """Un fichier de règles : YAML d'un dossier ``regles/socle`` ou ``regles`` (pas les paramètres,
    le contrat des colonnes ni les référentiels) qui a une liste ``regles:``."""
    if chemin.suffix not in (".yaml", ".yml") or chemin.name.startswith("parametres"):
        return False
    dossier = chemin.parent
    if not (dossier.name == "regles" or (dossier.name == "socle" and dossier.parent.name == "regles")):
        return False
    try:
        with open(chemin, encoding="utf-8") as f:
            return any(ligne.startswith("regles:") for ligne in f)
    except (OSError, UnicodeDecodeError):
        return False


@cache
def _environnement(millesime: int) -> tuple[Any, Any]:
    from cdv_regles.verification import preparer

    return preparer(millesime)


@cache
def _millesimes() -> tuple[int, ...]:
    from cdv_regles.millesimes import millesimes_disponibles

    return tuple(millesimes_disponibles())


class FichierRegles(pytest.File):
    def collect(self):  # type: ignore[override]
        from cdv_regles.erreurs import ErreurCdv
        from cdv_regles.exemples import exemple_pour, regles_du_fichier

        trouve = False
        for millesime in _millesimes():
            try:
                _, catalogue = _environnement(millesime)
            except ErreurCdv as e:
                yield ErreurFichier.from_parent(self, name=f"millesime-{millesime}", message=e.message)
                continue
            defauts = [d for d in catalogue.defauts if str(self.path) in d.message]
            if defauts:
                yield ErreurFichier.from_parent(self, name="fichier", message="\n".join(map(str, defauts)))
                return
            regles = regles_du_fichier(catalogue, self.path)
            trouve = trouve or bool(regles)
            for regle in regles:
                for attendu in ("valides", "invalides"):
                    exemples = [(i, e) for i, brut in enumerate(regle.exemples.get(attendu) or [], 1)
                                if (e := _pour(brut, millesime, exemple_pour)) is not None]
                    if not exemples:
                        yield ErreurFichier.from_parent(
                            self, name=f"{regle.id}::{millesime}::{attendu}",
                            message=f"la règle {regle.id} n'a aucun exemple {attendu[:-1]} pour le millésime "
                            f"{millesime} : ajoutez-en un")
                    for i, exemple in exemples:
                        yield ExempleRegle.from_parent(
                            self, name=f"{regle.id}::{millesime}::{attendu[:-1]}-{i}", regle=regle,
                            exemple=exemple, invalide=attendu == "invalides", millesime=millesime)
        if not trouve:
            yield ErreurFichier.from_parent(
                self, name="fichier",
                message=f"{self.path} n'est fourni par aucun greffon actif, ou aucune de ses règles n'est en "
                f"vigueur pour les millésimes disponibles ({', '.join(map(str, _millesimes())) or 'aucun'}) "
                "(greffon non installé ou désactivé ? clé en_vigueur ?)")


def _pour(exemple: Any, millesime: int, exemple_pour: Any) -> Any:
    # Un exemple mal formé reste un test (en échec, avec son message) plutôt qu'une erreur de collecte.
    return exemple_pour(exemple, millesime) if isinstance(exemple, dict) else exemple


class EchecExemple(Exception):
    pass


class ExempleRegle(pytest.Item):
    def __init__(self, *, regle: Any, exemple: Any, invalide: bool, millesime: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.regle, self.exemple, self.invalide, self.millesime = regle, exemple, invalide, millesime

    def runtest(self) -> None:
        from cdv_regles.exemples import executer

        if not isinstance(self.exemple, dict):
            raise EchecExemple(f"un exemple est un dictionnaire colonne → valeur (vu : {self.exemple!r})")
        greffons, catalogue = _environnement(self.millesime)
        constats = executer(self.regle, self.exemple, greffons, catalogue)
        if self.invalide and not constats:
            raise EchecExemple(
                f"{self.regle.id} devait signaler cet exemple invalide, et n'a rien dit : {self.exemple}")
        if not self.invalide and constats:
            raise EchecExemple(f"{self.regle.id} ne devait rien signaler sur cet exemple valide, et a dit : "
                               + " | ".join(c.message for c in constats))
        fragment = self.exemple.get("message_contient")
        if fragment and not any(fragment in c.message for c in constats):
            raise EchecExemple(f"aucun message de {self.regle.id} ne contient « {fragment} » : "
                               + " | ".join(c.message for c in constats))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, EchecExemple):
            return f"{self.path} — {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"exemple {self.name}"


class ErreurFichier(pytest.Item):
    def __init__(self, *, message: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.message = message

    def runtest(self) -> None:
        raise EchecExemple(self.message)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        return f"{self.path} — {self.message}"

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name
