"""Paramètres datés par millésime, à la manière d'OpenFisca.

Un fichier de paramètres associe à chaque nom une description, une source et des valeurs datées :

    limite_note_intention:
      description: Date limite de dépôt de la note d'intention
      source: {document: NC2023, section: Calendrier}
      valeurs:
        2023: 2022-09-16        # pour le millésime 2023 seulement
        2017-2021: 148275       # pour les millésimes 2017 à 2021 seulement
        2019-: 3                # à partir de 2019, jusqu'à une clé plus récente
        2025-: null             # plus de valeur à partir de 2025

Une date limite écrite pour 2023 ne vaut donc jamais pour 2024 : il faut la renseigner (commande
``cdv-regles millesime nouveau``). ``type`` (facultatif) dit ce qu'attend le paramètre :
``date``, ``nombre``, ``texte``, ``liste``, ``colonnes`` (une liste d'identifiants de colonnes,
utilisable dans ``somme(...)``) ou ``referentiel`` (une liste fermée du tableau que le contrat
peut changer : orientations, dispositifs, financeurs ; ses valeurs du millésime deviennent le
référentiel de ce nom, voir :func:`referentiels_du_millesime`) ; sans type, une
valeur ajoutée doit avoir le type des autres.

Les valeurs d'un millésime ouvert par la commande sont lues dans le dossier de l'utilisateur
(``CDV_REGLES_PARAMETRES``, voir ``dossier_utilisateur``) : ``<dossier>/<AAAA>/<greffon>.yaml``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdv_regles.donnees import lire_yaml
from cdv_regles.erreurs import ErreurCdv, RegleInvalide

if TYPE_CHECKING:
    from cdv_regles.referentiels import Referentiels

# [0-9] et non \d : un chiffre arabe-indien ou pleine chasse n'est pas une année (int() l'accepterait).
_PERIODE = re.compile(r"^\s*([0-9]{4})\s*(?:(-)\s*([0-9]{4})?\s*)?$")
TYPES_PARAMETRE = ("valeur", "colonnes", "date", "nombre", "texte", "liste", "referentiel")
A_RENSEIGNER = "à renseigner"
VARIABLE_DOSSIER = "CDV_REGLES_PARAMETRES"
_DATE_FR = re.compile(r"^\s*([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\s*$")
_DATE_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class Parametre:
    nom: str
    description: str
    source: dict[str, str]
    # (début, fin incluse ou None pour « jusqu'à la clé suivante », valeur)
    periodes: tuple[tuple[int, int | None, Any], ...]
    type: str = "valeur"
    chemin: str = ""
    partenaire: str = "socle"
    # Renouvelé à chaque millésime même s'il reste en vigueur (une enveloppe, p. ex.).
    renouveler: bool = False
    # Valeurs d'un millésime lues dans le dossier de l'utilisateur : millésime -> (fichier, source).
    ajouts: tuple[tuple[int, str, Any], ...] = ()
    # Liste datée (type referentiel) : les champs que chaque élément doit avoir, et leur sorte.
    champs: tuple[tuple[str, str], ...] = ()

    def valeur(self, millesime: int) -> Any:
        """La valeur en vigueur pour ``millesime``, ou None si aucune."""
        bornees = [v for d, f, v in self.periodes if f is not None and d <= millesime <= f]
        if bornees:
            return bornees[-1]
        ouvertes = [(d, v) for d, f, v in self.periodes if f is None and d <= millesime]
        return max(ouvertes, key=lambda dv: dv[0])[1] if ouvertes else None

    def defini(self, millesime: int) -> bool:
        return self.valeur(millesime) is not None

    def fichier(self, millesime: int) -> str:
        """Le fichier qui donne la valeur du millésime (celui de l'utilisateur s'il l'a ajoutée)."""
        return next((c for m, c, _ in self.ajouts if m == millesime), self.chemin)

    def source_de(self, millesime: int) -> Any:
        return next((s for m, _, s in self.ajouts if m == millesime), self.source)


@dataclass(frozen=True)
class EnDefaut:
    """Valeur d'un paramètre refusé (type, périodes) : une règle qui le cite le dit, au lieu
    de « nom inconnu »."""

    raison: str
    chemin: str


# Paramètres qui n'existent plus, et ce qui les remplace : un millésime ouvert avant leur retrait
# les contient encore (« millesime nouveau » les y écrivait).
RETIRES = {
    "colonnes_financeurs_cdv": "les colonnes des financeurs du contrat viennent maintenant de la liste "
                               "« financeurs » du millésime (champ « colonne » de chaque financeur), à tenir à "
                               "jour dans ce même fichier",
}


@dataclass
class Parametres:
    """Tous les paramètres connus (socle et partenaires), par nom."""

    tous: dict[str, Parametre] = field(default_factory=dict)
    # Paramètres refusés à la lecture : nom -> pourquoi (les autres du fichier restent valables).
    en_defaut: dict[str, EnDefaut] = field(default_factory=dict)
    # Défauts des greffons au chargement (fichiers refusés), repris par le catalogue.
    defauts: list[Any] = field(default_factory=list)

    def ajouter_fichier(self, chemin: Path, partenaire: str) -> None:
        donnees = lire_yaml(chemin)
        if donnees is None:
            return
        if not isinstance(donnees, dict):
            raise RegleInvalide(str(chemin), "un fichier de paramètres est un dictionnaire nom → définition")
        refus = []
        for nom, definition in donnees.items():
            try:
                p = _lire_parametre(str(chemin), str(nom), definition, partenaire)
            except RegleInvalide as e:
                raison = e.message.split(" : ", 1)[-1]
                self.en_defaut[str(nom)] = EnDefaut(raison, str(chemin))
                refus.append(raison)
                continue
            if p.nom in self.tous:
                autre = self.tous[p.nom].chemin
                raise RegleInvalide(str(chemin), f"le paramètre « {p.nom} » est déjà défini dans {autre}")
            self.tous[p.nom] = p
        if refus:
            raise RegleInvalide(str(chemin), " ; ".join(refus))

    def ajouter_millesime(self, chemin: Path, millesime: int) -> None:
        """Les valeurs d'un millésime écrites par ``millesime nouveau`` (dossier de l'utilisateur) :
        ``nom: {valeur: ..., source: {document: ..., section: ...}}`` pour des paramètres connus."""
        c = str(chemin)
        donnees = lire_yaml(chemin)
        if donnees is None:
            return
        if not isinstance(donnees, dict) or not isinstance(donnees.get("parametres", {}), dict):
            raise RegleInvalide(c, "un fichier de millésime a une clé « parametres: » (nom → {valeur, source})")
        annee = donnees.get("millesime", millesime)
        if annee != millesime:
            raise RegleInvalide(c, f"le fichier se dit du millésime {annee} mais est rangé dans {millesime}/")
        for nom, d in (donnees.get("parametres") or {}).items():
            nom = str(nom)
            if nom in RETIRES:
                raise RegleInvalide(c, f"paramètre « {nom} » retiré : {RETIRES[nom]}. Supprimez-le de ce "
                                    "fichier, puis relancez.")
            if nom not in self.tous:
                import difflib

                proche = difflib.get_close_matches(nom, list(self.tous), n=1)
                suggestion = f" (vouliez-vous dire « {proche[0]} » ?)" if proche else ""
                raise RegleInvalide(
                    c, f"paramètre « {nom} » inconnu : aucun greffon installé ne le définit. Corrigez son "
                    f"nom{suggestion}, ou installez le greffon qui le définit (cdv-regles greffons liste "
                    "ceux qui sont installés), puis relancez.")
            if not isinstance(d, dict) or "valeur" not in d:
                raise RegleInvalide(c, f"« {nom} » : écrivez {{valeur: ..., source: {{document: ..., section: ...}}}}")
            inconnues = set(d) - {"valeur", "source", "description", "type", "precedent"}
            if inconnues:
                raise RegleInvalide(c, f"clé(s) inconnue(s) pour « {nom} » : {', '.join(sorted(map(str, inconnues)))}")
            p = self.tous[nom]
            valeur = d["valeur"]
            if not _a_renseigner(valeur):
                valeur = verifier_type(c, p, valeur)
            self.tous[nom] = replace(
                p, periodes=(*p.periodes, (millesime, millesime, valeur)),
                ajouts=(*p.ajouts, (millesime, c, d.get("source"))))

    def pour(self, millesime: int) -> dict[str, Any]:
        return {**self.en_defaut, **{nom: p.valeur(millesime) for nom, p in self.tous.items()}}

    def a_renseigner(self, millesime: int) -> list[tuple[str, str, str]]:
        """(paramètre, fichier, quoi) de chaque valeur ou source encore « à renseigner »."""
        manques = []
        for nom, p in sorted(self.tous.items()):
            if _a_renseigner(p.valeur(millesime)):
                manques.append((nom, p.fichier(millesime), "valeur"))
            if any(m == millesime for m, _, _ in p.ajouts) and _source_a_renseigner(p.source_de(millesime)):
                manques.append((nom, p.fichier(millesime), "source"))
        return manques

    def listes_absentes(self, millesime: int) -> list[Parametre]:
        """Les listes datées (type ``referentiel``) sans valeur pour ``millesime`` : le tableau ne
        peut pas être lu sans elles (valeurs admises d'une colonne, menus du classeur)."""
        return [p for _, p in sorted(self.tous.items()) if p.type == "referentiel" and not p.defini(millesime)]

    def fichier_du_millesime(self, millesime: int, partenaire: str) -> str | None:
        """Le fichier de l'utilisateur qui donne des valeurs de ``partenaire`` pour ``millesime``."""
        return next((c for p in self.tous.values() if p.partenaire == partenaire
                     for m, c, _ in p.ajouts if m == millesime), None)

    def exiger_renseignes(self, millesime: int) -> None:
        """Refuse (statut 2) un millésime dont une valeur reste « à renseigner » ou dont une liste
        datée n'est pas définie, en nommant chacune et le fichier où l'écrire."""
        manques = self.a_renseigner(millesime)
        absentes = self.listes_absentes(millesime)
        if not manques and not absentes:
            return
        parties = []
        if manques:
            lignes = "\n".join(f"  - {nom} ({quoi}) dans {fichier}" for nom, fichier, quoi in manques)
            parties.append(
                f"{len(manques)} valeur(s) encore « {A_RENSEIGNER} » :\n{lignes}\nRemplacez chacune par la "
                f"valeur de la note de cadrage {millesime} et sa source (document, section), ou par null si "
                "elle n'existe pas cette année, puis relancez.")
        if absentes:
            lignes = []
            for p in absentes:
                ou = self.fichier_du_millesime(millesime, p.partenaire)
                ajout = (f"dans {ou}, sous « parametres: », écrivez « {p.nom}: {{valeur: [...], source: "
                         "{document: ..., section: ...}} »" if ou else
                         f"dans {p.chemin}, ajoutez la période « {millesime}: » à ses valeurs")
                lignes.append(f"  - liste « {p.nom} » ({' '.join(p.description.split())}) : définie dans "
                              f"{p.chemin} pour {_periodes_texte(p)}, pas pour {millesime} ; {ajout}")
            parties.append(
                f"{len(absentes)} liste(s) sans valeurs pour ce millésime (elles changent avec le contrat de "
                "ville : la liste d'une autre année n'est jamais reprise) :\n" + "\n".join(lignes) +
                f"\nDonnez à chacune les valeurs du contrat de ville {millesime} et leur source (celles "
                "d'une autre année servent de modèle), puis relancez.")
        raise ErreurCdv(f"le millésime {millesime} n'est pas prêt : " + "\n".join(parties))


def _periodes_texte(p: Parametre) -> str:
    """Les millésimes où un paramètre a une valeur : « 2023 », « 2015 à 2023 », « 2024 et après »."""
    morceaux = [f"{d} et après" if f is None else (str(d) if d == f else f"{d} à {f}")
                for d, f, v in p.periodes if v is not None]
    return ", ".join(morceaux) or "aucun millésime"


def _a_renseigner(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().casefold() == A_RENSEIGNER
    if isinstance(v, list):
        return any(_a_renseigner(x) for x in v)
    if isinstance(v, dict):
        return any(_a_renseigner(x) for x in v.values())
    return False


def _source_a_renseigner(s: Any) -> bool:
    return not s or _a_renseigner(s) or (isinstance(s, dict) and not str(s.get("document") or "").strip())


def _sorte(v: Any) -> str:
    if isinstance(v, bool):
        return "booleen"
    if isinstance(v, dt.date):
        return "date"
    if isinstance(v, int | float):
        return "nombre"
    if isinstance(v, str):
        return "texte"
    if isinstance(v, list):
        return "liste"
    if isinstance(v, dict):
        return "dictionnaire"
    return type(v).__name__


# Ce qu'on dit de chaque sorte de valeur de paramètre (pas des types de colonnes).
_NOMS_SORTES = (("date", "une date (AAAA-MM-JJ ou JJ/MM/AAAA)"), ("nombre", "un nombre"), ("texte", "un texte"),
                ("liste", "une liste [a, b]"), ("dictionnaire", "un dictionnaire"), ("booleen", "oui/non"),
                ("colonnes", "une liste d'identifiants de colonnes"),
                ("referentiel", "une liste de valeurs (textes, ou {valeur: ..., alias: [...]})"))


def _nom_sorte(sorte: str) -> str:
    return next((nom for s, nom in _NOMS_SORTES if s == sorte), sorte)


def type_attendu(p: Parametre) -> str | None:
    """Le type déclaré, sinon celui de toutes les valeurs connues quand elles l'ont en commun."""
    if p.type != "valeur":
        return "liste" if p.type in ("colonnes", "referentiel") else p.type
    sortes = {_sorte(v) for _, _, v in p.periodes if v is not None and not _a_renseigner(v)}
    return sortes.pop() if len(sortes) == 1 else None


def verifier_type(chemin: str, p: Parametre, valeur: Any) -> Any:
    """La valeur, convertie si elle est écrite comme on l'écrit (date JJ/MM/AAAA) ; sinon un refus
    qui dit le type attendu et le type vu."""
    if valeur is None:
        return None
    if isinstance(valeur, dt.datetime):
        valeur = valeur.date()
    attendu = type_attendu(p)
    if attendu == "date" and isinstance(valeur, str) and _DATE_ISO.match(valeur):
        valeur = f"{valeur[8:10]}/{valeur[5:7]}/{valeur[:4]}"
    if attendu == "date" and isinstance(valeur, str) and (m := _DATE_FR.match(valeur)):
        try:
            valeur = dt.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            raise RegleInvalide(chemin, f"« {p.nom} » : « {valeur} » n'est pas une date qui existe") from None
    if attendu == "nombre" and isinstance(valeur, str):
        try:
            valeur = float(valeur.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", "."))
            valeur = int(valeur) if valeur.is_integer() else valeur
        except ValueError:
            pass
    vu = _sorte(valeur)
    if attendu is not None and vu != attendu and not (attendu == "nombre" and vu == "nombre"):
        raise RegleInvalide(
            chemin, f"le paramètre « {p.nom} » attend {_nom_sorte(attendu)}, vu {_nom_sorte(vu)} : {valeur!r}")
    if p.type == "colonnes" and not all(isinstance(x, str) for x in valeur):
        raise RegleInvalide(chemin, f"le paramètre « {p.nom} » attend des identifiants de colonnes (textes)")
    if p.type == "referentiel":
        if not valeur:  # une liste fermée vide : aucune valeur admise, un menu vide
            raise RegleInvalide(chemin, f"la liste « {p.nom} » est vide : donnez ses valeurs (au moins une)")
        for x in valeur:
            if isinstance(x, bool) or not isinstance(x, str | int | dict) or (
                    isinstance(x, dict) and not {"valeur", "numero", "code"} & set(x)):
                raise RegleInvalide(chemin, f"la liste « {p.nom} » : chaque élément est un texte, ou un "
                                    f"dictionnaire avec « valeur » (ou « numero », « code »), vu {x!r}")
            for champ, sorte in p.champs:
                vu = x.get(champ) if isinstance(x, dict) else None
                if vu is None or _sorte(vu) != sorte:
                    attendus = ", ".join(f"{c} ({_nom_sorte(t)})" for c, t in p.champs)
                    raise RegleInvalide(chemin, f"la liste « {p.nom} » : chaque élément a les champs {attendus} ; "
                                        f"« {champ} » manque ou n'est pas {_nom_sorte(sorte)} dans {x!r}")
    return valeur


def lire_periode(cle: Any) -> tuple[int, int | None] | None:
    """Une clé de période (« 2023 », « 2017-2021 », « 2023- ») en (début, fin incluse ou None
    pour « sans fin »), ou None si elle n'en est pas une. Seul lecteur des périodes."""
    m = _PERIODE.match(str(cle))
    if not m:
        return None
    return int(m[1]), None if m[2] and not m[3] else int(m[3] or m[1])


def _lire_parametre(chemin: str, nom: str, definition: Any, partenaire: str) -> Parametre:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", nom):
        raise RegleInvalide(chemin, f"nom de paramètre « {nom} » invalide : minuscules, chiffres et _ seulement")
    if not isinstance(definition, dict) or "valeurs" not in definition:
        raise RegleInvalide(chemin, f"le paramètre « {nom} » doit avoir une clé « valeurs »")
    inconnues = set(definition) - {"description", "source", "valeurs", "type", "renouveler", "champs"}
    if inconnues:
        raise RegleInvalide(chemin, f"clé(s) inconnue(s) pour le paramètre « {nom} » : {', '.join(sorted(inconnues))}")
    type_ = definition.get("type", "valeur")
    if type_ not in TYPES_PARAMETRE:
        raise RegleInvalide(chemin, f"type « {type_} » inconnu pour « {nom} » (attendu : {', '.join(TYPES_PARAMETRE)})")
    valeurs = definition["valeurs"]
    if not isinstance(valeurs, dict) or not valeurs:
        raise RegleInvalide(chemin, f"« valeurs » de « {nom} » : attendu des périodes AAAA, AAAA-AAAA ou AAAA-")
    periodes = []
    for cle, valeur in valeurs.items():
        bornes = lire_periode(cle)
        if bornes is None:
            raise RegleInvalide(chemin, f"période « {cle} » invalide pour « {nom} » : écrivez 2023 (ce millésime), "
                                "2017-2021 (ces millésimes) ou 2023- (à partir de 2023)")
        debut, fin = bornes
        if fin is not None and fin < debut:
            raise RegleInvalide(chemin, f"période « {cle} » à l'envers pour « {nom} »")
        if isinstance(valeur, dt.datetime):
            valeur = valeur.date()
        periodes.append((debut, fin, valeur))
    periodes.sort(key=lambda p: p[0])
    champs = definition.get("champs") or {}
    if not isinstance(champs, dict) or (type_ != "referentiel" and champs) or \
            not all(t in ("texte", "nombre") for t in champs.values()):
        raise RegleInvalide(chemin, f"« champs » de « {nom} » : pour une liste (type referentiel), un "
                            "dictionnaire champ → texte ou nombre, p. ex. {numero: nombre, libelle: texte}")
    source = definition.get("source") or {}
    p = Parametre(nom, str(definition.get("description", "")), source, tuple(periodes), type_,
                  chemin, partenaire, bool(definition.get("renouveler", False)),
                  champs=tuple((str(c), str(t)) for c, t in champs.items()))
    if type_ != "valeur":
        for _, _, v in periodes:
            if not _a_renseigner(v):
                verifier_type(chemin, p, v)
    return p


def dossier_utilisateur() -> Path | None:
    """Le dossier des millésimes ouverts par l'utilisateur : ``CDV_REGLES_PARAMETRES`` s'il est
    défini, sinon ``cdv-regles/parametres`` dans le dossier de configuration de l'utilisateur
    (``%APPDATA%`` sous Windows, ``$XDG_CONFIG_HOME`` ou ``~/.config`` ailleurs). Un paquet
    installé n'est jamais modifié : ses fichiers peuvent être en lecture seule et une mise à jour
    les remplace."""
    if os.environ.get(VARIABLE_DOSSIER):
        return Path(os.environ[VARIABLE_DOSSIER]).expanduser()
    base = os.environ.get("APPDATA") or os.environ.get("XDG_CONFIG_HOME")
    try:
        racine = Path(base) if base else Path.home() / ".config"
    except RuntimeError:  # pas de dossier personnel (service, conteneur)
        return None
    return racine / "cdv-regles" / "parametres"


def fichiers_utilisateur(dossier: Path | None = None) -> dict[int, list[Path]]:
    """Millésime -> fichiers ``<dossier>/<AAAA>/*.yaml`` du dossier de l'utilisateur."""
    dossier = dossier if dossier is not None else dossier_utilisateur()
    if dossier is None or not dossier.is_dir():
        return {}
    return {int(d.name): sorted(d.glob("*.yaml")) for d in sorted(dossier.iterdir())
            if d.is_dir() and d.name.isdigit() and len(d.name) == 4}


def ajouter_utilisateur(parametres: Parametres, partenaires: dict[str, str] | None = None) -> None:
    """Ajoute les valeurs des millésimes de l'utilisateur ; ``partenaires`` : nom du fichier
    (sans .yaml) -> code du greffon actif ; un fichier d'un greffon absent est ignoré."""
    for millesime, fichiers in fichiers_utilisateur().items():
        for chemin in fichiers:
            if partenaires is not None and chemin.stem not in partenaires:
                continue
            parametres.ajouter_millesime(chemin, millesime)


def parametres_du_socle() -> Parametres:
    """Les paramètres du socle seuls (calendrier des millésimes), plus ceux de l'utilisateur."""
    from cdv_regles.chemins import fichiers_parametres_socle

    p = Parametres()
    for chemin in fichiers_parametres_socle():
        p.ajouter_fichier(chemin, "socle")
    ajouter_utilisateur(p, {"socle": "socle"})
    return p


def referentiels_du_millesime(millesime: int, parametres: Parametres | None = None) -> Referentiels:
    """Les référentiels du millésime, seul accès aux listes pour qui vérifie : celles du tableau,
    communes et QPV, et les listes datées (paramètres de type ``referentiel``) qui ont une valeur
    pour ``millesime`` (``parametres`` : ceux du catalogue, sinon ceux du socle). Une liste sans
    valeur n'est pas reprise d'une autre année : elle manque (``exiger_renseignes`` refuse alors
    le millésime en la nommant)."""
    from cdv_regles.referentiels import referentiels_socle

    p = parametres if parametres is not None else parametres_du_socle()
    datees = {}
    for nom, q in p.tous.items():
        valeurs, source = q.valeur(millesime), q.source_de(millesime)
        if q.type == "referentiel" and isinstance(valeurs, list):
            datees[nom] = (valeurs, source if isinstance(source, dict) else {})
    return referentiels_socle(datees)


def a_renouveler(parametres: dict[str, Parametre], millesime: int, depuis: int) -> list[str]:
    """Le choix ordinaire des paramètres à renseigner pour un nouveau millésime : ceux qui ont
    une valeur pour ``depuis`` mais n'en ont pas pour ``millesime`` (une date, une liste de
    l'année), et ceux marqués ``renouveler: true`` (une enveloppe, qui peut manquer en ``depuis``)."""
    return [nom for nom, p in parametres.items()
            if p.renouveler or (p.defini(depuis) and not p.defini(millesime))]
