import sys, zipfile
src, dst, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
name = "WEB-INF/classes/META-INF/microprofile-config.properties"
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == name and extra:
            data = data + ("# bench variant\n" + "\n".join(extra) + "\n").encode()
        zout.writestr(item, data)
