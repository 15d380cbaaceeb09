"""The condition keys of a real request, as AWS puts them in the request context (chapters 05 and 08).

Global keys (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
aws:CurrentTime, aws:EpochTime, aws:SecureTransport, aws:RequestedRegion,
aws:PrincipalTag/KEY, aws:userid, aws:TokenIssueTime (temporary credentials) and
aws:SourceIp -- or, for a request that reaches S3 through a gateway VPC endpoint,
aws:SourceVpce, aws:SourceVpc and aws:VpcSourceIp instead. (aws:PrincipalArn,
aws:PrincipalAccount, aws:PrincipalType and aws:username follow from the principal,
and the evaluator adds them.) For credentials EC2 delivers to an instance, AWS adds
ec2:SourceInstanceARN, aws:Ec2InstanceSourceVpc and aws:Ec2InstanceSourcePrivateIPv4.

Service keys: s3:prefix, s3:delimiter and s3:max-keys of a ListBucket request,
s3:x-amz-acl of a request that sets an ACL, s3:ExistingObjectTag/KEY of an existing
object (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html),
and cloudwatch:namespace of PutMetricData
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
"""

import datetime
import json

LEARNER_IP = "203.0.113.10"  # the administrator's PC (a documentation address), as in chapter 05's network
LIST_KEYS = ("prefix", "delimiter", "max-keys")
OBJECT_TAG_ACTIONS = ("s3:getobject", "s3:getobjectversion", "s3:deleteobject", "s3:putobjecttagging",
                      "s3:getobjecttagging", "s3:putobjectacl", "s3:getobjectacl")  # fmt: skip


def tag_dict(tags):
    """moto's tags ({key: value}, or a list of {"Key", "Value"}) as {key: value}."""
    if isinstance(tags, dict):
        return {k: v if isinstance(v, str) else v.get("Value", "") for k, v in tags.items()}
    return {t["Key"]: t["Value"] for t in tags or []}


def for_request(facts, who, origin, resource, action):
    """Every condition key of this request, names as AWS writes them, values as strings or lists.

    `origin` is (the instance the credentials belong to or None, the S3 endpoint passed or None).
    """
    instance, endpoint = origin
    keys = global_keys(facts, who)
    if instance is not None:
        keys.update(instance_keys(facts, instance))
    keys.update(network_keys(instance, endpoint))
    keys.update(service_keys(facts, resource, action))
    return keys


def global_keys(facts, who):
    """The keys every request carries: time, transport, region, the principal's tags and ids."""
    now = datetime.datetime.now(datetime.timezone.utc)
    keys = {
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:SecureTransport": "true",
        "aws:RequestedRegion": facts.region,
    }
    keys.update({f"aws:PrincipalTag/{k}": v for k, v in who.tags().items()})
    if who.is_session:
        keys["aws:userid"] = f"{who.entity.id}:{who.session_name}"
        if who.session is not None:
            keys["aws:TokenIssueTime"] = who.session.access_key.create_date.strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        keys["aws:userid"] = who.entity.id
    return keys


def instance_of(facts, who):
    """The EC2 instance whose role credentials these are (a session named after an instance id), or None."""
    if not who.is_session or not who.session_name.startswith("i-"):
        return None
    from moto.ec2.models import ec2_backends

    try:
        return ec2_backends[facts.account_id][facts.region].get_instance(who.session_name)
    except Exception:  # no such instance (any more): credentials made by hand with an i- name
        return None


def instance_keys(facts, instance):
    """The keys AWS adds to requests signed with credentials EC2 delivered to an instance."""
    arn = f"arn:aws:ec2:{facts.region}:{facts.account_id}:instance/{instance.id}"
    return {
        "ec2:SourceInstanceARN": arn,
        "aws:Ec2InstanceSourceVpc": instance.vpc_id,
        "aws:Ec2InstanceSourcePrivateIPv4": instance.private_ip,
    }


def network_keys(instance, endpoint):
    """Where the request came from: its public source IP, or the VPC endpoint it passed."""
    if endpoint is not None:
        return {"aws:SourceVpce": endpoint.id, "aws:SourceVpc": endpoint.vpc_id, "aws:VpcSourceIp": instance.private_ip}
    if instance is not None:
        return {"aws:SourceIp": instance.public_ip or instance.private_ip}
    return {"aws:SourceIp": LEARNER_IP}


def s3_endpoint(instance, resource):
    """The S3 gateway endpoint a request from the instance passes (in its subnet's route table), or None."""
    if instance is None or not resource.startswith("arn:aws:s3:::"):
        return None
    return _gateway_for(instance.ec2_backend, instance)


def _gateway_for(backend, instance):
    """The S3 gateway endpoint of the instance's VPC whose route tables serve the instance's subnet, or None."""
    tables = route_tables_of(backend, instance)
    for endpoint in backend.vpc_end_points.values():
        if endpoint.service_name.endswith(".s3") and endpoint.vpc_id == instance.vpc_id:
            if tables & set(endpoint.route_table_ids or []):
                return endpoint
    return None


def route_tables_of(backend, instance):
    """The ids of the route tables serving the instance's subnet: its own, else its VPC's main table."""
    in_vpc = [t for t in backend.route_tables.values() if t.vpc_id == instance.vpc_id]
    own = {t.id for t in in_vpc if instance.subnet_id in t.get_filter_value("association.subnet-id")}
    return own or {t.id for t in in_vpc if t.main_association_id is not None}


def service_keys(facts, resource, action):
    """The service-specific keys of S3 and CloudWatch requests."""
    name = action.lower()
    data, headers = facts.data, facts.headers
    keys = {}
    if name == "s3:listbucket":
        keys.update({f"s3:{k}": first(data[k]) for k in LIST_KEYS if k in data})
    acl = headers.get("X-Amz-Acl") or headers.get("x-amz-acl")
    if name.startswith("s3:") and acl:
        keys["s3:x-amz-acl"] = acl
    if name in OBJECT_TAG_ACTIONS:
        keys.update({f"s3:ExistingObjectTag/{k}": v for k, v in object_tags(facts.account_id, resource).items()})
    if name == "cloudwatch:putmetricdata":
        namespace = cloudwatch_namespace(facts)
        if namespace is not None:
            keys["cloudwatch:namespace"] = namespace
    return keys


def first(value):
    """The first of a query parameter's values (moto keeps them as lists)."""
    return value[0] if isinstance(value, list) else value


def object_tags(account_id, resource):
    """The tags of the existing object an S3 object ARN names, as {key: value} ({} when there is none)."""
    from moto.s3.models import s3_backends

    bucket_name, _, key_name = resource[len("arn:aws:s3:::") :].partition("/")
    backend = s3_backends[account_id]["aws"]
    bucket = backend.buckets.get(bucket_name)
    key = bucket.keys.get(key_name) if bucket is not None and key_name else None
    if key is None:
        return {}
    return {t["Key"]: t["Value"] for t in backend.get_object_tagging(key).get("Tags", [])}


def cloudwatch_namespace(facts):
    """The Namespace of a PutMetricData request, from its JSON body or its query parameters."""
    try:
        body = json.loads(facts.body or b"{}")
    except ValueError:
        body = {}
    return (body.get("Namespace") if isinstance(body, dict) else None) or first(facts.data.get("Namespace"))
