"""The ISO 4217 currency codes a fee may be in, and the check of a code a person types."""

from __future__ import annotations

from kara_tui.domain.money import MoneyError, check_currency

# The active codes of ISO 4217 as listed by Debian's iso-codes 4.15.0
# (/usr/share/iso-codes/json/iso_4217.json), without the precious metals, bond-market
# units, SDR, test and "no currency" codes (XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA
# XXX), plus XCG (Caribbean guilder, 2025) and ZWG (Zimbabwe gold, 2024), which that list
# does not have yet. A code withdrawn since stays valid here: old records may use it.
_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL
    BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF
    DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG
    HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP
    LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN
    NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG
    SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW
    ZWG ZWL
"""
ISO_4217 = frozenset(_CODES.split())


def check_iso_currency(code: str) -> str:
    """``code`` upper-cased, or a MoneyError when it is not an ISO 4217 currency."""
    code = check_currency(code)
    if code not in ISO_4217:
        raise MoneyError(f"'{code}' is not an ISO 4217 currency code (like GBP, EUR or USD)")
    return code
