"""Naming helpers shared by the parts of the stack."""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb

from dimotis_infra import code


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_") if part)



def attribute(key: code.Key) -> dynamodb.Attribute:
    types = {
        "S": dynamodb.AttributeType.STRING,
        "N": dynamodb.AttributeType.NUMBER,
        "B": dynamodb.AttributeType.BINARY,
    }
    return dynamodb.Attribute(name=key.name, type=types[key.type])
