"""Le fichier de réglages ``cdv-regles.toml``, rangé à côté du tableau exporté.

Chaque attribuant publie ses propres subventions (décret 2017-779) : la personne qui exporte écrit
le SIRET de son organisation (et de tout autre financeur qu'elle exporte) dans ce fichier, que
l'outil installé ne remplace jamais, au lieu de le chercher dans les paramètres du paquet :

    [attribuants]
    valenciennes-metropole = "SIRET à 14 chiffres"

Les clés sont les codes des financeurs (ceux de leurs greffons, ``cdv-regles plugins``) ou leurs clés
courtes (``cavm``, ``caf``…). Un SIRET écrit ici l'emporte sur celui des paramètres
(``regles/parametres/attribuants.yaml``).
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

from cdv_regles import valeurs as v
from cdv_regles.erreurs import ErreurCdv
from cdv_regles.export.attribuants import Financeur
from cdv_regles.referentiels import cle_nom

NOM_FICHIER = "cdv-regles.toml"
SECTION = "attribuants"
TAILLE_MAX = 64 * 1024  # un fichier de réglages tient en quelques lignes


def chemin_reglages(tableau: str | Path) -> Path:
    """Le fichier de réglages du tableau : ``cdv-regles.toml`` dans le même dossier."""
    return Path(tableau).resolve().parent / NOM_FICHIER


def appliquer_reglages(financeurs: list[Financeur], tous: list[Financeur], chemin: Path) -> list[Financeur]:
    """Les financeurs choisis, avec les SIRET écrits dans ``chemin`` (s'il existe).

    ``tous`` (tous les financeurs du référentiel) sert à reconnaître une clé qui nomme un
    financeur non exporté cette fois-ci : elle n'est pas une erreur.
    """
    sirets = lire_sirets(chemin, tous)
    return [dataclasses.replace(f, siret=sirets[f.code], source_siret=str(chemin)) if f.code in sirets else f
            for f in financeurs]


def lire_sirets(chemin: Path, tous: list[Financeur]) -> dict[str, str]:
    """Code du financeur → SIRET, lus dans ``chemin`` ; rien si le fichier n'existe pas."""
    try:
        if chemin.stat().st_size > TAILLE_MAX:
            raise ErreurCdv(f"{chemin} dépasse {TAILLE_MAX // 1024} Ko : ce n'est pas un fichier de réglages "
                            "de cdv-regles.")
        texte = chemin.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise ErreurCdv(f"{chemin} n'est pas un texte UTF-8 : enregistrez-le en UTF-8 "
                        "(Bloc-notes : Enregistrer sous ▸ Encodage UTF-8).") from None
    except OSError as e:
        raise ErreurCdv(f"{chemin} illisible : {e.strerror or e}.") from None
    try:
        donnees = tomllib.loads(texte)
    except tomllib.TOMLDecodeError as e:
        raise ErreurCdv(f"{chemin} est mal écrit ({e}). Modèle : [{SECTION}] puis une ligne par financeur, "
                        'p. ex. valenciennes-metropole = "12345678901234".') from None
    section = donnees.get(SECTION, {})
    if not isinstance(section, dict):
        raise ErreurCdv(f"{chemin} : « {SECTION} » doit être une section [{SECTION}].")
    par_nom = {cle_nom(nom): f for f in tous for nom in (f.code, f.cle, f.libelle)}
    connus = ", ".join(f.code for f in tous)
    sirets: dict[str, str] = {}
    problemes = []
    for cle, valeur in section.items():
        f = par_nom.get(cle_nom(cle))
        siret = v.normaliser_siret(valeur) if isinstance(valeur, str) else None
        if f is None:
            problemes.append(f"« {cle} » n'est pas un financeur connu (financeurs : {connus})")
        elif siret is None:
            problemes.append(f"le SIRET de « {cle} » doit être écrit entre guillemets, p. ex. "
                             f'{cle} = "12345678901234" ; lu : {valeur!r}')
        elif not v.siret_valide(siret):
            problemes.append(f"le SIRET de « {cle} » est invalide : « {valeur} » (ce numéro ne correspond à "
                             "aucun établissement possible : recopiez les 14 chiffres depuis l'avis de situation "
                             "SIRENE ou l'Annuaire des entreprises)")
        elif f.code in sirets and sirets[f.code] != siret:
            problemes.append(f"« {f.code} » reçoit deux SIRET différents")
        else:
            sirets[f.code] = siret
    if problemes:
        raise ErreurCdv(f"{chemin}, section [{SECTION}] : " + " ; ".join(problemes) + ".")
    return sirets
