"""The local stack: everything Dimotis needs on one machine, with no AWS account.

Development only: nothing here ships in the Lambda package.
"""
