# Generated from ui/database_error_dialog.ui by packaging/compile_forms.py (pyside6-uic). Do not edit:
# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'database_error_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QDialog, QHBoxLayout, QLabel,
    QPushButton, QSizePolicy, QSpacerItem, QVBoxLayout,
    QWidget)

class Ui_DatabaseErrorDialog(object):
    def setupUi(self, DatabaseErrorDialog):
        if not DatabaseErrorDialog.objectName():
            DatabaseErrorDialog.setObjectName(u"DatabaseErrorDialog")
        DatabaseErrorDialog.resize(560, 240)
        self.mainLayout = QVBoxLayout(DatabaseErrorDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.messageLayout = QHBoxLayout()
        self.messageLayout.setSpacing(16)
        self.messageLayout.setObjectName(u"messageLayout")
        self.iconLabel = QLabel(DatabaseErrorDialog)
        self.iconLabel.setObjectName(u"iconLabel")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        sizePolicy.setHorizontalStretch(0)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.iconLabel.sizePolicy().hasHeightForWidth())
        self.iconLabel.setSizePolicy(sizePolicy)
        self.iconLabel.setAlignment(Qt.AlignmentFlag.AlignLeading|Qt.AlignmentFlag.AlignTop)

        self.messageLayout.addWidget(self.iconLabel)

        self.textLayout = QVBoxLayout()
        self.textLayout.setObjectName(u"textLayout")
        self.messageLabel = QLabel(DatabaseErrorDialog)
        self.messageLabel.setObjectName(u"messageLabel")
        self.messageLabel.setWordWrap(True)
        self.messageLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.textLayout.addWidget(self.messageLabel)

        self.hintLabel = QLabel(DatabaseErrorDialog)
        self.hintLabel.setObjectName(u"hintLabel")
        self.hintLabel.setWordWrap(True)
        self.hintLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.textLayout.addWidget(self.hintLabel)

        self.untouchedLabel = QLabel(DatabaseErrorDialog)
        self.untouchedLabel.setObjectName(u"untouchedLabel")
        self.untouchedLabel.setWordWrap(True)

        self.textLayout.addWidget(self.untouchedLabel)


        self.messageLayout.addLayout(self.textLayout)

        self.messageLayout.setStretch(1, 1)

        self.mainLayout.addLayout(self.messageLayout)

        self.verticalSpacer = QSpacerItem(20, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonLayout = QHBoxLayout()
        self.buttonLayout.setObjectName(u"buttonLayout")
        self.openButton = QPushButton(DatabaseErrorDialog)
        self.openButton.setObjectName(u"openButton")

        self.buttonLayout.addWidget(self.openButton)

        self.createButton = QPushButton(DatabaseErrorDialog)
        self.createButton.setObjectName(u"createButton")

        self.buttonLayout.addWidget(self.createButton)

        self.buttonSpacer = QSpacerItem(0, 20, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonLayout.addItem(self.buttonSpacer)

        self.quitButton = QPushButton(DatabaseErrorDialog)
        self.quitButton.setObjectName(u"quitButton")

        self.buttonLayout.addWidget(self.quitButton)


        self.mainLayout.addLayout(self.buttonLayout)


        self.retranslateUi(DatabaseErrorDialog)

        QMetaObject.connectSlotsByName(DatabaseErrorDialog)
    # setupUi

    def retranslateUi(self, DatabaseErrorDialog):
        DatabaseErrorDialog.setWindowTitle(QCoreApplication.translate("DatabaseErrorDialog", u"MIM Desk cannot open the database", None))
        self.untouchedLabel.setText(QCoreApplication.translate("DatabaseErrorDialog", u"The file has not been changed.", None))
        self.openButton.setText(QCoreApplication.translate("DatabaseErrorDialog", u"&Open another database\u2026", None))
        self.createButton.setText(QCoreApplication.translate("DatabaseErrorDialog", u"&Create a new database\u2026", None))
        self.quitButton.setText(QCoreApplication.translate("DatabaseErrorDialog", u"&Quit", None))
    # retranslateUi

