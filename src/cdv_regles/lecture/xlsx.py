"""Classeurs xlsx et xlsm : inspection en flux du XML des feuilles, avant calamine.

calamine lit les valeurs ; ici on relève seulement ce qu'il ne dit pas ou ce qui le mettrait
en danger : les valeurs placées très loin du tableau (il réserverait tout le rectangle) et les
codes d'erreur de formule (« #REF! »…), qu'il rend vides.
"""

from __future__ import annotations

import re
import zipfile
import zlib

from cdv_regles.adresses import lettres_colonne, numero_colonne
from cdv_regles.lecture.limites import MO, MORCEAU, Limites
from cdv_regles.lecture.messages import abime, chaines_trop_grosses, detail, trop_de_chaines
from cdv_regles.lecture.table import Feuille

_SST = re.compile(rb"<(?:([\w.-]+):)?sst[\s>]")


def est_chaines(membre: str) -> bool:
    """Le membre des chaînes partagées (calamine le charge en entier à l'ouverture)."""
    return membre.lower().endswith("sharedstrings.xml")


class CompteurChaines:
    """Compte en flux les chaînes partagées et leur taille : refus dès qu'une limite est passée."""

    def __init__(self, nom: str, limites: Limites) -> None:
        self.nom, self.limites = nom, limites
        self.chaines = self.octets = 0
        self._reste = b""
        self._balises: tuple[bytes, ...] | None = None

    def nourrir(self, morceau: bytes) -> None:
        self.octets += len(morceau)
        if self.octets > self.limites.chaines_taille_max:
            raise chaines_trop_grosses(self.nom, self.limites)
        if self._balises is None:  # « <si> », ou « <x:si> » si la racine est préfixée
            m = _SST.search(morceau[:4096])
            prefixe = m.group(1) + b":" if m and m.group(1) else b""
            self._balises = tuple(b"<" + prefixe + b"si" + fin for fin in (b">", b" ", b"/>", b"\t", b"\n"))
        # bytes.count (en C) ; une balise coupée entre deux morceaux est comptée au suivant : la
        # fin du précédent est revue, ses balises entières (déjà comptées) retranchées.
        tampon = self._reste + morceau
        self.chaines += sum(tampon.count(b) - self._reste.count(b) for b in self._balises)
        self._reste = tampon[-16:]
        if self.chaines > self.limites.chaines_max:
            raise trop_de_chaines(self.nom, self.chaines, self.limites)


RACINE_FEUILLE = re.compile(rb"<(?:[\w.-]+:)?(?:worksheet|macrosheet|dialogsheet)[\s>]")


def motif_superieur(n: str, alphabet: str, premier: str) -> str:
    """Expression régulière des mots (sur ``alphabet`` ordonné) qui dépassent ``n``.

    Un mot plus long est plus grand (``premier`` : classe du premier caractère, pour exclure
    les zéros de tête) ; à longueur égale, l'ordre est lexicographique.
    """
    choix = [f"{premier}[{alphabet[0]}-{alphabet[-1]}]{{{len(n)},}}"]
    for i, c in enumerate(n):
        plus = alphabet[alphabet.index(c) + 1:]
        if plus:
            reste = len(n) - i - 1
            choix.append(f"{re.escape(n[:i])}[{plus[0]}-{plus[-1]}][{alphabet[0]}-{alphabet[-1]}]{{{reste}}}")
    return "(?:" + "|".join(choix) + ")"



class InspecteurXlsx:
    """Inspection en flux d'un membre XML de feuille xlsx, sans le parser en entier.

    Chemin rapide (XML d'Excel, LibreOffice, openpyxl : chaque ``<c`` commence par ``r="…"``) :
    seules les cellules d'adresse hors limites sont examinées, les erreurs de formule
    (``t="e"``) relevées, car calamine les rend vides, ainsi que les formules sans valeur en
    cache (écrites par un programme qui ne calcule pas : calamine les rendrait vides, sans le
    dire). Les cellules remplies sont comptées. Sinon ``lent`` : il faudra simuler.
    """

    _SANS_ADRESSE = re.compile(rb'<c(?:>|/>|\s(?!r="))')
    _ERREUR = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*?\st="e"[^>]*(?<!/)>(.*?)</c>', re.S)
    _VALEUR = re.compile(rb"<v>([^<]*)</v>")
    _FORMULE = re.compile(rb"<f[\s>/]")
    _CACHE = re.compile(rb"<v\s*>")  # « <v/> » (openpyxl) n'est pas une valeur en cache

    def __init__(self, seuil_lignes: int, seuil_colonnes: int) -> None:
        lettres = lettres_colonne(seuil_colonnes - 1)
        chiffres = str(seuil_lignes)
        self._loin = re.compile(
            rb'<c r="(?:' + motif_superieur(lettres, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "[A-Z]").encode()
            + rb'[0-9]|[A-Z]{1,3}+0*+' + motif_superieur(chiffres, "0123456789", "[1-9]").encode()
            + rb'")')
        self._reste = b""
        self.lent = False
        self.resultat = Feuille()

    def refusee(self, limites: Limites) -> bool:
        """Assez vu : cette feuille ne sera pas chargée (calamine.lire_classeur la refuse)."""
        return not self.lent and (self.resultat.loin is not None
                                  or self.resultat.cellules > limites.cellules_max)

    def nourrir(self, morceau: bytes) -> None:
        tampon = self._reste + morceau
        # Ne traiter que jusqu'à la dernière fin de cellule : tout ce qui précède est complet.
        coupe = tampon.rfind(b"</c>")
        coupe = coupe + 4 if coupe >= 0 else tampon.rfind(b">") + 1
        if coupe <= 0 and len(tampon) < 16 * MO:
            self._reste = tampon
            return
        self._examiner(tampon[:coupe] if coupe > 0 else tampon)
        self._reste = tampon[coupe:] if coupe > 0 else b""

    def terminer(self) -> None:
        if self._reste:
            self._examiner(self._reste)
            self._reste = b""

    def _examiner(self, t: bytes) -> None:
        if self.lent:
            return
        if b":sheetData" in t or self._SANS_ADRESSE.search(t):
            self.lent = True
            return
        self.resultat.cellules += t.count(b"<v>") + t.count(b"<is>")
        if b"<f" in t:
            self._formules(t)
        if self.resultat.loin is None:
            for m in self._loin.finditer(t):
                fin_balise = t.find(b">", m.end())
                if fin_balise < 0 or t[fin_balise - 1:fin_balise] == b"/":
                    continue  # cellule vide (mise en forme seule) : calamine l'ignore
                fin = t.find(b"</c>", fin_balise)
                contenu = t[fin_balise:fin if fin >= 0 else len(t)]
                if b"<v>" in contenu or b"<is>" in contenu or b"<is " in contenu:
                    adresse = re.match(rb'<c r="([A-Z]+)([0-9]+)"', t[m.start():])
                    if adresse:
                        self.resultat.loin = (int(adresse.group(2)) - 1,
                                              numero_colonne(adresse.group(1)))
                        break
        if b't="e"' in t:
            for m in self._ERREUR.finditer(t):
                v = self._VALEUR.search(m.group(3))
                if v and v.group(1):
                    position = (int(m.group(2)) - 1, numero_colonne(m.group(1)))
                    self.resultat.erreurs[position] = v.group(1).decode("ascii", "replace")

    def _formules(self, t: bytes) -> None:
        for m in self._FORMULE.finditer(t):
            debut = t.rfind(b"<c ", 0, m.start())
            fin = t.find(b"</c>", m.end())
            if debut < 0 or self._CACHE.search(t, m.end(), fin if fin >= 0 else len(t)):
                continue
            adresse = re.match(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"', t[debut:debut + 40])
            if adresse:
                self.resultat.formule_sans_valeur(
                    (int(adresse.group(2)) - 1, numero_colonne(adresse.group(1))))


_JETON_XLSX = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")


def simuler_xlsx(zf: zipfile.ZipFile, membre: str, seuil_lignes: int, seuil_colonnes: int,
                  nom: str) -> Feuille:
    """Rejoue le placement des cellules de calamine (adresses implicites comprises).

    Prudent : toute cellule non vide de balise compte comme une valeur.
    """
    resultat = Feuille()
    ligne = colonne = 0
    reste = b""
    attribut_r = re.compile(rb'\br="([A-Za-z]*)([0-9]+)"')
    try:
        with zf.open(membre) as flux:
            while True:
                morceau = flux.read(MORCEAU)
                tampon = reste + morceau
                coupe = tampon.rfind(b">") + 1 if morceau else len(tampon)
                for m in _JETON_XLSX.finditer(tampon, 0, coupe):
                    fermante, nom_balise, attributs, vide = m.groups()
                    if vide:
                        continue  # balise vide : calamine ne la voit pas
                    if nom_balise == b"row":
                        if fermante:
                            ligne, colonne = ligne + 1, 0
                        else:
                            r = attribut_r.search(attributs)
                            if r:
                                ligne = int(r.group(2)) - 1
                        continue
                    if fermante:
                        continue
                    r = attribut_r.search(attributs)
                    position = ((int(r.group(2)) - 1, numero_colonne(r.group(1).upper()))
                                if r else (ligne, colonne))
                    colonne = position[1] + 1
                    resultat.cellules += 1
                    if resultat.loin is None and (position[0] >= seuil_lignes
                                                  or position[1] >= seuil_colonnes):
                        resultat.loin = position
                reste = tampon[coupe:]
                if not morceau:
                    break
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
        raise abime(nom, f"membre {membre} : {detail(e)}") from None
    return resultat

