#!/usr/bin/env python3
"""A model of the usage tables (documents with their key and (ResourceType, Id) index, search entries with their
(DocumentId, Path) and partial value indexes) in SQLite: log written per record with random against time-ordered ids.

usage: usage-id-model.py random|ordered   (bench/README, 2026-11-29; writes /tmp/idexp-*.db)"""
import os, uuid, time, random, hashlib, sys
from sqlite_model import fresh_database
def run(kind, batches=40, per=500, pre=100000):
    f=f'/tmp/idexp-{kind}.db'
    c=fresh_database(f)
    c.execute('pragma journal_mode=wal'); c.execute('pragma synchronous=normal'); c.execute('pragma wal_autocheckpoint=0')
    c.execute('create table d(Id TEXT NOT NULL PRIMARY KEY, ResourceType TEXT NOT NULL, Body TEXT NOT NULL, Version INTEGER, LastUpdate INTEGER, CreatedBy TEXT)')
    c.execute('create index d1 on d(ResourceType, CreatedBy)'); c.execute('create index d2 on d(ResourceType, Id)')
    c.execute('create table e(Id INTEGER PRIMARY KEY AUTOINCREMENT, DocumentId TEXT NOT NULL, ResourceType TEXT, Path TEXT, Text TEXT, Number INTEGER, Time INTEGER)')
    c.execute('create index e1 on e(DocumentId, Path)'); c.execute('create index e2 on e(ResourceType, Path, Text) where Text is not null'); c.execute('create index e3 on e(ResourceType, Path, Time) where Time is not null')
    ms=[1_700_000_000_000]
    def newid(i):
        if kind=='random': return str(uuid.UUID(bytes=hashlib.sha256(str(i).encode()).digest()[:16]))
        ms[0]+=1
        return str(uuid.UUID(bytes=ms[0].to_bytes(6,'big')+hashlib.sha256(str(i).encode()).digest()[:10]))
    body='x'*2000
    parties=[str(uuid.uuid4()) for _ in range(300)]
    def batch(start,n):
        c.execute('begin')
        for i in range(start,start+n):
            did=newid(i); p=random.choice(parties)
            c.execute('insert into d values(?,?,?,?,?,?)',(did,'usage',body,1,i,'client:x'))
            for path,t,tm in [('status','rated',None),('usageType','data',None),('usageDate',None,i),('relatedParty.id',hashlib.sha256(p.encode()).hexdigest(),None),('ratedProductUsage.productRef.id',p,None),('ratedProductUsage.usageRatingTag','included',None),('ratedProductUsage.isBilled','false',None)]:
                c.execute('insert into e(DocumentId,ResourceType,Path,Text,Time) values(?,?,?,?,?)',(did,'usage',path,t,tm))
        c.execute('commit')
    for b in range(pre//per): batch(b*per, per)
    c.execute('pragma wal_checkpoint(truncate)')
    t=time.time()
    for b in range(batches): batch(pre+b*per, per)
    el=time.time()-t
    wal=os.path.getsize(f+'-wal')
    print(f'{kind}: {batches*per/el:,.0f} docs/s, WAL {wal/batches/per/1024:.1f} KiB per doc ({wal/4120/batches:.0f} frames per batch of {per})')
run(sys.argv[1])
