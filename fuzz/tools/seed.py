#!/usr/bin/env python3
"""Writes the checked-in seed corpus (fuzz/seeds/<target>/) from the shipped
scenarios: every scenario file, and every resources, attributes, constraint,
master URL, Spark property and spark-submit string they hold, plus a few
hand-written forms of each grammar. Run from the project root:
python3 fuzz/tools/seed.py"""
import glob
import hashlib
import os
import shutil
import tomllib

ROOT = "fuzz/seeds"


def put(target, text):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(text.encode()).hexdigest()[:16]
    with open(os.path.join(d, name), "w") as f:
        f.write(text)


shutil.rmtree(ROOT, ignore_errors=True)
for path in sorted(glob.glob("scenarios/**/*.toml", recursive=True)):
    src = open(path).read()
    put("scenario", src)
    t = tomllib.loads(src)
    for g in t.get("agents", []):
        put("resources", g["resources"])
        if "attributes" in g:
            put("attributes", g["attributes"])
    for a in t.get("apps", []):
        conf = a.get("conf", {})
        put("spark_conf", "\n".join(f"{k}={v}" for k, v in conf.items()))
        if "master" in a:
            put("master_url", a["master"])
        if "submit" in a:
            put("spark_submit", a["submit"])
        c = conf.get("spark.mesos.constraints")
        if c:
            for g in t.get("agents", []):
                put("constraints", c + "\n" + g.get("attributes", ""))
    for fw in t.get("frameworks", []):
        put("resources", fw["task"])
    for r in t.get("mesos", {}).get("roles", {}).values():
        if "quota" in r:
            put("resources", r["quota"])
put("spark_defaults", open("scenarios/pasted/spark-defaults.conf").read())
put("spark_defaults", "spark.a  1\\\n  2\n! c\nspark.b=\\u0041\nspark.c : x\n")
for u in ["mesos://zk://zk1:2181,zk2:2181/mesos", "mesos://host:5050", "spark://h:7077",
          "yarn", "local[4]", "local[*]", "local[2,3]", "k8s://https://h:443", "local"]:
    put("master_url", u)
for c in ["os:centos7;zone:us-east-1a,us-east-1b\nos:centos7;zone:us-east-1a",
          "level:20\nlevel:10", "ports:3\nports:[1-5]", "disks:ssd\ndisks:{ssd,hdd}", "rack\nrack:r1"]:
    put("constraints", c)
for r in ['--resources=[{"name":"cpus","type":"SCALAR","scalar":{"value":8}},'
          '{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":1,"end":5}]}},'
          '{"name":"d","type":"SET","set":{"item":["a"]}}]',
          "MESOS_RESOURCES=cpus(r):4;mem:1024",
          "cpus:1.5;cpus:0.07;ports:[31000-32000,1-2];bugs(a/b):{x,y}"]:
    put("resources", r)
for a in ["--attributes=rack:r1;zone:a", "MESOS_ATTRIBUTES=level:10;keys:[1-5]", "os:centos7\nk:a:b"]:
    put("attributes", a)
put("spark_submit", "spark-submit --executor-memory=2g --conf spark.cores.max=8 "
    "-c 'spark.mesos.constraints=os:a;b:c' --supervise app.py --x 1")
for d in ["1.5s", "120", "2min", "0.000001us", "1.99999999999999999999999999999h", "4g",
          "512", "1500k", "-1s", "36500d"]:
    put("spark_conf", d)
for t in sorted(os.listdir(ROOT)):
    print(t, len(os.listdir(os.path.join(ROOT, t))))
