"""python_keyring_peer: Python's keyring (Debian's python3-keyring, the library
pip, twine, poetry and Ansible call) through its SecretService backend, behind
the peers' command line:

    python_keyring_peer.py get SERVICE USERNAME      get_password: the value on stdout; exit 1: none
    python_keyring_peer.py set SERVICE USERNAME      set_password: the value from stdin
    python_keyring_peer.py delete SERVICE USERNAME   delete_password; exit 1: none
    python_keyring_peer.py list SERVICE              get_credential(SERVICE, None): the
                                                     username of the service's first item

keyring has no listing; get_credential without a username is how it finds an
entry of a service. Exit 2 with the message on an error.
"""

import sys

import keyring
from keyring.backends import SecretService
from keyring.errors import PasswordDeleteError


def main(op, service, username=None):
    keyring.set_keyring(SecretService.Keyring())
    if op == "get" and username is not None:
        value = keyring.get_password(service, username)
        if value is None:
            return 1
        sys.stdout.write(value)
    elif op == "set" and username is not None:
        keyring.set_password(service, username, sys.stdin.read())
    elif op == "delete" and username is not None:
        try:
            keyring.delete_password(service, username)
        except PasswordDeleteError:
            return 1
    elif op == "list" and username is None:
        credential = keyring.get_credential(service, None)
        if credential is None:
            return 1
        print(credential.username)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(*sys.argv[1:]))
    except Exception as error:  # keyring's own errors, reported as the peers report them
        print(f"python_keyring_peer: {error!r}", file=sys.stderr)
        sys.exit(2)
