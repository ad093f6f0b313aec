"""Chinese resident ID numbers: normalise, validate with a specific reason, protect, mask."""

import base64
import datetime
import hashlib
import hmac

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from stdnum.cn import ric

from lianfang.core import idnumbers
from lianfang.core.errors import DomainError

VALID = idnumbers.synthesize("340403", datetime.date(1980, 5, 17), 12, "M")


def with_check_digit(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def error_code(raw: str, **kwargs) -> str:
    with pytest.raises(DomainError) as exc:
        idnumbers.parse(raw, **kwargs)
    assert str(exc.value.message)
    assert exc.value.field == "id_number"
    return exc.value.code


def test_a_valid_number_gives_birth_date_sex_and_region():
    info = idnumbers.parse(VALID)

    assert info.number == VALID
    assert info.birth_date == datetime.date(1980, 5, 17)
    assert info.sex == "M"
    assert info.region == "340403"


def test_an_even_sequence_digit_means_female():
    number = idnumbers.synthesize("340403", datetime.date(1990, 1, 2), 7, "F")

    assert idnumbers.parse(number).sex == "F"


def test_a_15_digit_number_is_converted_to_18_digits():
    # 15-digit cards: region, YYMMDD (19xx), a three-digit sequence, no check digit.
    info = idnumbers.parse("340403800517025")

    assert info.number == with_check_digit("34040319800517025")
    assert len(info.number) == 18
    assert info.birth_date == datetime.date(1980, 5, 17)


def test_full_width_digits_and_spaces_are_accepted():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in VALID)

    assert idnumbers.parse(f" {full_width[:6]} {full_width[6:]} ").number == VALID


def test_other_scripts_digits_are_read_as_ascii_so_a_number_has_one_spelling():
    arabic_indic = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in VALID)

    assert idnumbers.parse(arabic_indic).number == VALID
    assert idnumbers.protect(idnumbers.parse(arabic_indic).number).hash == idnumbers.protect(VALID).hash


def test_a_digit_that_is_no_decimal_digit_is_refused_as_a_bad_format():
    kharosthi_one = "\U00010a40"  # str.isdigit() is true for it, int() refuses it

    assert error_code(VALID[:10] + kharosthi_one + VALID[11:]) == "id_bad_format"


def test_a_lowercase_x_check_digit_is_read_as_uppercase():
    body = next(
        b for seq in range(1000) if ric.calc_check_digit((b := f"34040319800517{seq:03d}") + "0") == "X"
    )

    assert idnumbers.parse(body + "x").number == body + "X"


def test_a_wrong_check_digit_is_refused():
    wrong = VALID[:17] + ("0" if VALID[17] != "0" else "1")

    assert error_code(wrong) == "id_bad_checksum"


def test_an_impossible_birth_date_is_refused():
    assert error_code(with_check_digit("34040319800231012")) == "id_bad_birth_date"


def test_a_birth_date_in_the_future_is_refused():
    number = with_check_digit("34040320300101012")

    assert error_code(number, today=datetime.date(2026, 11, 1)) == "id_bad_birth_date"


def test_a_number_of_the_wrong_length_is_refused():
    assert error_code("3404031980") == "id_bad_length"


def test_letters_inside_the_number_are_refused():
    assert error_code("34040319800517A12X") == "id_bad_format"


def test_an_empty_number_is_refused():
    assert error_code("   ") == "id_missing"


def test_the_mask_keeps_region_and_last_four_only():
    assert idnumbers.mask("340403", "1234") == "340403********1234"
    assert idnumbers.mask("", "") == ""


def test_protect_keeps_prefix_last_four_hash_and_ciphertext_but_not_the_number():
    stored = idnumbers.protect(VALID)

    assert stored.prefix == "340403"
    assert stored.last4 == VALID[-4:]
    assert VALID not in stored.hash
    assert VALID not in stored.cipher


def test_encryption_round_trips():
    token = idnumbers.encrypt(VALID)

    assert token.startswith("v1:")
    assert idnumbers.decrypt(token) == VALID


def test_encrypting_twice_gives_different_ciphertexts():
    assert idnumbers.encrypt(VALID) != idnumbers.encrypt(VALID)


def test_the_hash_is_stable_so_duplicates_can_be_found():
    other = idnumbers.synthesize("340403", datetime.date(1980, 5, 17), 13, "M")

    assert idnumbers.digest(VALID) == idnumbers.digest(VALID)
    assert idnumbers.digest(VALID) != idnumbers.digest(other)
    assert len(idnumbers.digest(VALID)) == 64


def test_the_hash_depends_on_the_data_key(settings):
    before = idnumbers.digest(VALID)
    settings.LIANFANG_DATA_KEY = "another-data-key-for-a-different-deployment"

    assert idnumbers.digest(VALID) != before


def test_stored_hashes_and_ciphertexts_keep_their_format(settings):
    """Rows already stored must still match and decrypt: the hash is HMAC-SHA256 under a key derived from
    LIANFANG_DATA_KEY, the ciphertext "v1:" + base64(nonce + AES-GCM) under another."""
    settings.LIANFANG_DATA_KEY = "a-data-key-of-an-existing-deployment"
    secret = settings.LIANFANG_DATA_KEY.encode()
    hash_key = hashlib.sha256(b"lianfang-id-hash:" + secret).digest()
    enc_key = hashlib.sha256(b"lianfang-id-enc:" + secret).digest()

    assert idnumbers.digest(VALID) == hmac.new(hash_key, VALID.encode(), hashlib.sha256).hexdigest()
    raw = base64.b64decode(idnumbers.encrypt(VALID).removeprefix("v1:"))
    assert AESGCM(enc_key).decrypt(raw[:12], raw[12:], None).decode() == VALID


def test_a_protector_made_once_hashes_and_encrypts_many_numbers_as_the_functions_do():
    """What an import and the demo's generators use: the keys and cipher objects made once."""
    other = idnumbers.synthesize("340403", datetime.date(1980, 5, 17), 13, "M")
    protector = idnumbers.Protector(idnumbers.keys())

    tokens = protector.encrypt_many([VALID, other, VALID])
    assert [idnumbers.decrypt(t) for t in tokens] == [VALID, other, VALID]
    assert len({base64.b64decode(t.removeprefix("v1:"))[:12] for t in tokens}) == 3  # a nonce each
    assert protector.digest(other) == idnumbers.digest(other)
    assert protector.decrypt(idnumbers.encrypt(other)) == other
    assert protector.protect(VALID).hash == idnumbers.protect(VALID).hash


def test_a_protector_of_another_data_key_neither_matches_nor_decrypts(settings):
    here = idnumbers.Protector(idnumbers.keys())
    token = here.encrypt(VALID)
    settings.LIANFANG_DATA_KEY = "another-data-key-for-a-different-deployment"
    elsewhere = idnumbers.Protector(idnumbers.keys())

    assert elsewhere.digest(VALID) != here.digest(VALID)
    with pytest.raises(InvalidTag):
        elsewhere.decrypt(token)


def test_synthesized_numbers_are_valid():
    for seq in range(50):
        number = idnumbers.synthesize("340421", datetime.date(2001, 2, 28), seq, "F" if seq % 2 else "M")
        assert idnumbers.parse(number).number == number
