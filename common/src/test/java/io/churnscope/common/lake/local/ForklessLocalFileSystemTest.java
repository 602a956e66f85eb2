package io.churnscope.common.lake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fork-less local file system does what Hadoop's does — the same permissions on what it creates,
 * the same link status for files, folders and symbolic links, a FileContext rename as Delta's log
 * store makes it — through both of Hadoop's APIs as {@link LocalFileSystems} configures them.
 */
class ForklessLocalFileSystemTest {
  @TempDir
  java.nio.file.Path dir;

  static Configuration configured() {
    Configuration conf = new Configuration(false);
    LocalFileSystems.sparkConf().forEach((key, value) -> conf.set(key.substring("spark.hadoop.".length()), value));
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  RawLocalFileSystem initialized(RawLocalFileSystem fs) throws java.io.IOException {
    fs.initialize(dir.toUri(), new Configuration(false));
    return fs;
  }

  @Test
  void bothHadoopApisUseItForFilePaths() throws Exception {
    Configuration conf = configured();
    FileSystem fs = FileSystem.get(dir.toUri(), conf);
    assertEquals(ForklessLocalFileSystem.class, fs.getClass());
    assertEquals(ForklessRawLocalFileSystem.class, ((org.apache.hadoop.fs.LocalFileSystem) fs).getRaw().getClass());
    FileContext fc = FileContext.getFileContext(dir.toUri(), conf);
    assertEquals(ForklessLocalFs.class, fc.getDefaultFileSystem().getClass());
  }

  @Test
  void permissionsAreThoseHadoopWouldSet() throws Exception {
    RawLocalFileSystem hadoop = initialized(new RawLocalFileSystem());
    RawLocalFileSystem forkless = initialized(new ForklessRawLocalFileSystem());
    for (String octal : new String[] {"644", "755", "600", "700", "640", "444", "777", "000", "751"}) {
      FsPermission permission = new FsPermission(octal);
      Path a = new Path(dir.resolve("hadoop-" + octal).toUri());
      Path b = new Path(dir.resolve("forkless-" + octal).toUri());
      Files.writeString(dir.resolve("hadoop-" + octal), "x");
      Files.writeString(dir.resolve("forkless-" + octal), "x");
      hadoop.setPermission(a, permission);
      forkless.setPermission(b, permission);
      assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("hadoop-" + octal))),
          PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("forkless-" + octal))), octal);
    }
    Path folder = new Path(dir.resolve("made").toUri());
    assertTrue(forkless.mkdirs(folder, new FsPermission("750")));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("made"))));
  }

  @Test
  void linkStatusMatchesHadoopsForFilesFoldersAndLinks() throws Exception {
    RawLocalFileSystem hadoop = initialized(new RawLocalFileSystem());
    RawLocalFileSystem forkless = initialized(new ForklessRawLocalFileSystem());
    Files.writeString(dir.resolve("file"), "abc");
    Files.createDirectories(dir.resolve("folder"));
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("file"));
    for (String name : new String[] {"file", "folder", "link"}) {
      Path path = new Path(dir.resolve(name).toString());
      FileStatus expected = hadoop.getFileLinkStatus(path);
      FileStatus actual = forkless.getFileLinkStatus(path);
      assertEquals(expected.isSymlink(), actual.isSymlink(), name);
      assertEquals(expected.isDirectory(), actual.isDirectory(), name);
      assertEquals(expected.getLen(), actual.getLen(), name);
      assertEquals(expected.getPath(), actual.getPath(), name);
      if (expected.isSymlink()) {
        assertEquals(expected.getSymlink(), actual.getSymlink(), name);
      }
    }
    assertTrue(forkless.getFileLinkStatus(new Path(dir.resolve("link").toString())).isSymlink());
    assertFalse(forkless.getFileLinkStatus(new Path(dir.resolve("file").toString())).isSymlink());
  }

  /** Delta's log store writes a temporary file and renames it over nothing, never over a commit. */
  @Test
  void aFileContextRenameCommitsOnceAndRefusesToOverwrite() throws Exception {
    FileContext fc = FileContext.getFileContext(dir.toUri(), configured());
    Path temp = new Path(dir.resolve(".00000.json.tmp").toUri());
    Path commit = new Path(dir.resolve("00000.json").toUri());
    try (FSDataOutputStream out = fc.create(temp, EnumSet.of(CreateFlag.CREATE), Options.CreateOpts.createParent())) {
      out.write("{\"commitInfo\":{}}".getBytes(StandardCharsets.UTF_8));
    }
    fc.rename(temp, commit, Options.Rename.NONE);
    assertEquals("{\"commitInfo\":{}}", Files.readString(dir.resolve("00000.json")));
    assertFalse(Files.exists(dir.resolve(".00000.json.tmp")));
    try (FSDataOutputStream out = fc.create(temp, EnumSet.of(CreateFlag.CREATE), Options.CreateOpts.createParent())) {
      out.write("other".getBytes(StandardCharsets.UTF_8));
    }
    org.junit.jupiter.api.Assertions.assertThrows(org.apache.hadoop.fs.FileAlreadyExistsException.class,
        () -> fc.rename(temp, commit, Options.Rename.NONE));
    assertEquals("{\"commitInfo\":{}}", Files.readString(dir.resolve("00000.json")));
  }
}
